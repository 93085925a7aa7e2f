import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { addLicense } from '../helpers/licenses.js';
import { SCIM_KEY } from '../helpers/scim.js';
import {
  createTemplate,
  createTemplateVersion,
  createWorkspace,
  importVersion,
  uploadEchoTemplate,
  waitForBuild,
} from '../helpers/templates.js';
import {
  auth,
  createKeyUser,
  createOrg,
  createToken,
  createUser,
  unique,
  type Owner,
  type Session,
  type UserOptions,
} from '../helpers/world.js';

/** The kinds of caller every route is tried with (the columns of the role matrix). */
export const CALLERS = [
  'owner',
  'user-admin',
  'template-admin',
  'auditor',
  'org-admin',
  'member',
  'member-b',
  'suspended',
  'app-connect',
  'anonymous',
] as const;
export type CallerName = (typeof CALLERS)[number];

/** A caller: a user (absent for anonymous) and the token it presents (absent for anonymous). */
export interface Caller {
  name: CallerName;
  token?: string;
  user?: Session;
}

/** What one organization holds, built by the owner (and its member) before any probe runs. */
export interface OrgFixtures {
  id: string;
  name: string;
  /** A plain member of only this organization: the "other user" of user routes, owner of the workspace. */
  user: Session;
  group: { id: string; name: string };
  /** The file behind the template's second version (uploaded by the owner). */
  fileId: string;
  template: { id: string; name: string; activeVersionId: string };
  /** A second, finished version of the template (not active). */
  version: { id: string; name: string };
  workspace: { id: string; name: string; buildId: string };
  /** A long-lived token of `user`. */
  token: { id: string; name: string };
}

export interface MatrixWorld {
  t: TestApp;
  db: pg.Client;
  owner: Owner;
  A: OrgFixtures;
  B: OrgFixtures;
  proxy: { id: string; name: string };
  callers: Record<CallerName, Caller>;
  /** A token of each signed-in caller's user, for the `{keyid}` routes on `me`. */
  callerTokens: Partial<Record<CallerName, { id: string; name: string }>>;
  /**
   * A fresh caller of the same kind (for requests that may destroy the caller: logout, self-delete).
   * Without a password (faster) unless `withPassword`.
   */
  cloneCaller(name: CallerName, withPassword?: boolean): Promise<Caller>;
  close(): Promise<void>;
}

export const MATRIX_ENV = {
  CODER_API_RATE_LIMIT: '-1',
  CODER_SCIM_AUTH_HEADER: SCIM_KEY,
  CODER_PROVISIONER_DAEMON_PSK: 'matrix-psk-0123456789',
  CODER_PROVISIONER_DAEMONS: '2',
};

const keyId = (token: string) => token.split('-')[0];

async function suspend(t: TestApp, admin: Session, userId: string): Promise<void> {
  await t.http.put(`/api/v2/users/${userId}/status/suspend`).set(auth(admin.token)).expect(200);
}

type MakeUser = (t: TestApp, owner: Session, options?: UserOptions) => Promise<Session>;

async function makeCaller(t: TestApp, owner: Owner, orgB: string, name: CallerName, make: MakeUser): Promise<Caller> {
  switch (name) {
    case 'owner':
    case 'user-admin':
    case 'template-admin':
    case 'auditor':
      return { name, ...session(await make(t, owner, { roles: [name] })) };
    case 'org-admin': {
      const user = await make(t, owner);
      await t.http
        .put(`/api/v2/organizations/${owner.orgId}/members/${user.userId}/roles`)
        .set(auth(owner.token))
        .send({ roles: ['organization-admin'] })
        .expect(200);
      return { name, ...session(user) };
    }
    case 'member':
      return { name, ...session(await make(t, owner)) };
    case 'member-b':
      return { name, ...session(await make(t, owner, { orgId: orgB })) };
    case 'suspended': {
      const user = await make(t, owner);
      await suspend(t, owner, user.userId);
      return { name, ...session(user) };
    }
    case 'app-connect': {
      const user = await make(t, owner);
      const token = await createToken(t, user, { scope: 'application_connect', token_name: unique('app') });
      return { name, token, user };
    }
    case 'anonymous':
      return { name };
  }
}

const session = (user: Session) => ({ token: user.token, user });

async function buildOrg(t: TestApp, owner: Owner, id: string): Promise<OrgFixtures> {
  const org = await t.http.get(`/api/v2/organizations/${id}`).set(auth(owner.token)).expect(200);
  const user = await createUser(t, owner, { orgId: id });
  const groupName = unique('grp');
  const group = await t.http
    .post(`/api/v2/organizations/${id}/groups`)
    .set(auth(owner.token))
    .send({ name: groupName })
    .expect(201);
  await t.http
    .patch(`/api/v2/groups/${group.body.id}`)
    .set(auth(owner.token))
    .send({ add_users: [user.userId] })
    .expect(200);
  const active = await importVersion(t, owner, id);
  const template = await createTemplate(t, owner, id, active.id as string);
  const fileId = await uploadEchoTemplate(t, owner);
  const second = await createTemplateVersion(t, owner, id, fileId, { template_id: template.id });
  const ws = await createWorkspace(t, user, id, template.id as string);
  await waitForBuild(t, user, ws.latest_build.id as string);
  const tokenName = unique('tok');
  const token = await createToken(t, user, { token_name: tokenName });
  return {
    id,
    name: org.body.name as string,
    user,
    group: { id: group.body.id as string, name: groupName },
    fileId,
    template: { id: template.id as string, name: template.name as string, activeVersionId: active.id as string },
    version: { id: second.id, name: second.name as string },
    workspace: { id: ws.id as string, name: ws.name as string, buildId: ws.latest_build.id as string },
    token: { id: keyId(token), name: tokenName },
  };
}

/**
 * The world of the role matrix: every feature licensed, SCIM and the provisioner PSK configured,
 * two organizations (A = the owner's default one, B = another) with the same objects in each, a
 * workspace proxy, and one caller of each kind (site roles and org roles held in A, `member-b` only
 * in B).
 */
export async function openMatrixWorld(): Promise<MatrixWorld> {
  const { t, db, owner } = await openWorld({ env: MATRIX_ENV });
  try {
    await addLicense(t, owner, 'all');
    const orgB = await createOrg(t, owner);
    const A = await buildOrg(t, owner, owner.orgId);
    const B = await buildOrg(t, owner, orgB);
    const proxyName = unique('proxy');
    const proxy = await t.http
      .post('/api/v2/workspaceproxies')
      .set(auth(owner.token))
      .send({ name: proxyName })
      .expect(201);
    const callers = {} as Record<CallerName, Caller>;
    callers.owner = { name: 'owner', token: owner.token, user: owner };
    for (const name of CALLERS.filter((c) => c !== 'owner'))
      callers[name] = await makeCaller(t, owner, orgB, name, createKeyUser);
    const callerTokens: MatrixWorld['callerTokens'] = {};
    for (const caller of Object.values(callers)) {
      if (!caller.user) continue;
      const name = unique('own');
      const res = await t.http
        .post(`/api/v2/users/${caller.user.userId}/keys/tokens`)
        .set(auth(owner.token))
        .send({ token_name: name })
        .expect(201);
      callerTokens[caller.name] = { id: keyId(res.body.key as string), name };
    }
    return {
      t,
      db,
      owner,
      A,
      B,
      proxy: { id: proxy.body.id as string, name: proxyName },
      callers,
      callerTokens,
      cloneCaller: (name, withPassword) => makeCaller(t, owner, orgB, name, withPassword ? createUser : createKeyUser),
      close: () => closeWorld(t, db),
    };
  } catch (err) {
    await closeWorld(t, db);
    throw err;
  }
}
