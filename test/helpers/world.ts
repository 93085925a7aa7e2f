import type { TestApp } from './app.js';

export const PASSWORD = 'SomeStrongPassword!';

export interface Session {
  token: string;
  userId: string;
  username: string;
  email: string;
}

export interface Owner extends Session {
  orgId: string;
}

let seq = 0;
export function unique(prefix: string): string {
  seq += 1;
  return `${prefix}${seq}${Math.random().toString(36).slice(2, 6)}`;
}

export const auth = (token: string) => ({ 'Coder-Session-Token': token });

export async function login(t: TestApp, email: string, password = PASSWORD): Promise<string> {
  const res = await t.http.post('/api/v2/users/login').send({ email, password }).expect(201);
  return res.body.session_token as string;
}

/** Creates the first user (owner) and logs in. */
export async function setupOwner(t: TestApp, username = 'admin'): Promise<Owner> {
  const email = `${username}@example.com`;
  const res = await t.http.post('/api/v2/users/first').send({ email, username, password: PASSWORD }).expect(201);
  const token = await login(t, email);
  return { token, userId: res.body.user_id, orgId: res.body.organization_id, username, email };
}

export interface UserOptions {
  roles?: string[];
  orgId?: string;
  username?: string;
}

/** Creates a user through the API (as `admin`), optionally with site roles, and logs in. */
export async function createUser(t: TestApp, admin: Session, options: UserOptions = {}): Promise<Session> {
  const username = options.username ?? unique('user');
  const email = `${username}@example.com`;
  const body: Record<string, unknown> = { email, username, password: PASSWORD };
  if (options.orgId) body.organization_id = options.orgId;
  const res = await t.http.post('/api/v2/users').set(auth(admin.token)).send(body).expect(201);
  const userId = res.body.id as string;
  if (options.roles?.length) {
    await t.http.put(`/api/v2/users/${userId}/roles`).set(auth(admin.token)).send({ roles: options.roles }).expect(200);
  }
  return { token: await login(t, email), userId, username, email };
}

/** Creates an organization (as an owner) and returns its id. */
export async function createOrg(t: TestApp, owner: Session, name = unique('org')): Promise<string> {
  const res = await t.http.post('/api/v2/organizations').set(auth(owner.token)).send({ name }).expect(201);
  return res.body.id as string;
}

export async function addMember(t: TestApp, admin: Session, orgId: string, userId: string, roles: string[] = []) {
  await t.http.post(`/api/v2/organizations/${orgId}/members/${userId}`).set(auth(admin.token)).expect(200);
  if (roles.length) {
    await t.http
      .put(`/api/v2/organizations/${orgId}/members/${userId}/roles`)
      .set(auth(admin.token))
      .send({ roles })
      .expect(200);
  }
}

/**
 * For role-denial tests: a way to create a fresh user for each role short of owner (the
 * organization admin administers the owner's first organization). `world` is read when a user is
 * created, so this can be called while the describe block is defined.
 */
export function nonOwnerRoles(world: () => { t: TestApp; owner: Owner }): Record<string, () => Promise<Session>> {
  return {
    member: () => createUser(world().t, world().owner),
    auditor: () => createUser(world().t, world().owner, { roles: ['auditor'] }),
    'template-admin': () => createUser(world().t, world().owner, { roles: ['template-admin'] }),
    'user-admin': () => createUser(world().t, world().owner, { roles: ['user-admin'] }),
    'organization-admin': async () => {
      const { t, owner } = world();
      const user = await createUser(t, owner);
      await t.http
        .put(`/api/v2/organizations/${owner.orgId}/members/${user.userId}/roles`)
        .set(auth(owner.token))
        .send({ roles: ['organization-admin'] })
        .expect(200);
      return user;
    },
  };
}

export async function createToken(t: TestApp, session: Session, body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.http.post('/api/v2/users/me/keys/tokens').set(auth(session.token)).send(body).expect(201);
  return res.body.key as string;
}

/**
 * Like `createUser`, but the user has no password (`login_type: none`) and its session is a key
 * the owner issues (`POST /users/{user}/keys`): no password hashing, so tests that need many users
 * stay fast. `owner` must be an owner (only owners may issue keys for other users).
 */
export async function createKeyUser(t: TestApp, owner: Session, options: UserOptions = {}): Promise<Session> {
  const username = options.username ?? unique('kuser');
  const email = `${username}@example.com`;
  const body: Record<string, unknown> = { email, username, login_type: 'none' };
  if (options.orgId) body.organization_id = options.orgId;
  const res = await t.http.post('/api/v2/users').set(auth(owner.token)).send(body).expect(201);
  const userId = res.body.id as string;
  if (options.roles?.length) {
    await t.http.put(`/api/v2/users/${userId}/roles`).set(auth(owner.token)).send({ roles: options.roles }).expect(200);
  }
  const key = await t.http.post(`/api/v2/users/${userId}/keys`).set(auth(owner.token)).expect(201);
  return { token: key.body.key as string, userId, username, email };
}
