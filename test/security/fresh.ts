import { issueLicense } from '../helpers/licenses.js';
import {
  createTemplate,
  createTemplateVersion,
  createWorkspace,
  importVersion,
  waitForBuild,
} from '../helpers/templates.js';
import { auth, createKeyUser, PASSWORD, unique } from '../helpers/world.js';
import type { MatrixWorld, OrgFixtures } from './matrix-world.js';

/** Fresh objects for the security probes, made by the owner: one per request that changes its object. */
export async function freshUser(w: MatrixWorld, org: OrgFixtures, roles: string[] = []) {
  return createKeyUser(w.t, w.owner, { orgId: org.id, roles });
}

/** A user with a password, without signing it in (one scrypt hash instead of two). */
export async function freshPasswordUser(w: MatrixWorld, org: OrgFixtures, roles: string[] = []): Promise<string> {
  const username = unique('pw');
  const body = { email: `${username}@example.com`, username, password: PASSWORD, organization_id: org.id, roles };
  return (await w.t.http.post('/api/v2/users').set(auth(w.owner.token)).send(body).expect(201)).body.id as string;
}

export async function freshSuspendedUser(w: MatrixWorld, org: OrgFixtures, roles: string[] = []) {
  const user = await freshUser(w, org, roles);
  await w.t.http.put(`/api/v2/users/${user.userId}/status/suspend`).set(auth(w.owner.token)).expect(200);
  return user;
}

export async function freshGroup(w: MatrixWorld, org: OrgFixtures): Promise<string> {
  const res = await w.t.http
    .post(`/api/v2/organizations/${org.id}/groups`)
    .set(auth(w.owner.token))
    .send({ name: unique('g') })
    .expect(201);
  return res.body.id as string;
}

/** A finished version that belongs to no template yet. */
export async function freshVersion(w: MatrixWorld, org: OrgFixtures): Promise<string> {
  return (await importVersion(w.t, w.owner, org.id)).id as string;
}

export async function freshTemplate(w: MatrixWorld, org: OrgFixtures): Promise<string> {
  return (await createTemplate(w.t, w.owner, org.id, await freshVersion(w, org))).id as string;
}

/** A version whose import job stays pending: no daemon has the tag it asks for. */
export async function pendingVersion(w: MatrixWorld, org: OrgFixtures): Promise<string> {
  const version = await createTemplateVersion(w.t, w.owner, org.id, org.fileId, { tags: { pool: 'nowhere' } });
  return version.id;
}

/** A workspace of the organization's member, its first build finished. */
export async function freshWorkspace(w: MatrixWorld, org: OrgFixtures): Promise<string> {
  const ws = await createWorkspace(w.t, org.user, org.id, org.template.id);
  await waitForBuild(w.t, org.user, ws.latest_build.id as string);
  return ws.id as string;
}

export async function freshToken(w: MatrixWorld, userId: string): Promise<string> {
  const res = await w.t.http
    .post(`/api/v2/users/${userId}/keys/tokens`)
    .set(auth(w.owner.token))
    .send({ token_name: unique('t') })
    .expect(201);
  return (res.body.key as string).split('-')[0];
}

export async function freshLicense(w: MatrixWorld): Promise<number> {
  const res = await w.t.http
    .post('/api/v2/licenses')
    .set(auth(w.owner.token))
    .send({ license: await issueLicense({ allFeatures: true }) })
    .expect(201);
  return res.body.id as number;
}

export async function freshProxy(w: MatrixWorld): Promise<string> {
  return (await freshProxyWithToken(w)).id;
}

export async function freshProxyWithToken(w: MatrixWorld): Promise<{ id: string; token: string }> {
  const res = await w.t.http
    .post('/api/v2/workspaceproxies')
    .set(auth(w.owner.token))
    .send({ name: unique('px') })
    .expect(201);
  return { id: res.body.id as string, token: res.body.proxy_token as string };
}

/** A provisioner key of the organization: its name and its secret. */
export async function freshProvisionerKey(w: MatrixWorld, org: OrgFixtures): Promise<{ name: string; key: string }> {
  const name = unique('pk');
  const res = await w.t.http
    .post(`/api/v2/organizations/${org.id}/provisionerkeys`)
    .set(auth(w.owner.token))
    .send({ name })
    .expect(201);
  return { name, key: res.body.key as string };
}
