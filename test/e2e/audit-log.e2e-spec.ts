import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { auth, createToken, createUser, PASSWORD, type Owner } from '../helpers/world.js';

interface AuditRow {
  user_id: string;
  organization_id: string | null;
  resource_type: string;
  resource_id: string;
  resource_target: string;
  action: string;
  status_code: number;
  diff: Record<string, { old: unknown; new: unknown; secret: boolean }>;
  request_id: string;
  ip: string | null;
  user_agent: string;
}

describe('audit log entries written by the core actions', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  const rows = async (where: string, params: unknown[] = []): Promise<AuditRow[]> =>
    (await db.query(`SELECT * FROM audit_logs WHERE ${where} ORDER BY time`, params)).rows as AuditRow[];

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
  });
  afterAll(() => closeWorld(t, db));

  it('records the first user, with the request id and client, and no password hash', async () => {
    const [row] = await rows(`resource_type = 'user' AND action = 'create' AND resource_id = $1`, [owner.userId]);
    expect(row).toMatchObject({
      user_id: owner.userId,
      organization_id: owner.orgId,
      resource_target: 'admin',
      status_code: 201,
    });
    expect(row.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.ip).toBe('127.0.0.1');
    expect(row.diff.hashed_password).toEqual({ old: '', new: '', secret: true });
    expect(JSON.stringify(row.diff)).not.toContain('scrypt');
  });

  it('records successful and failed logins, and logouts', async () => {
    const res = await t.http
      .post('/api/v2/users/login')
      .set('User-Agent', 'audit-test')
      .send({ email: owner.email, password: 'Wrong-Password-123' });
    expect(res.status).toBe(401);
    await t.http.post('/api/v2/users/login').send({ email: 'nobody@example.com', password: PASSWORD }).expect(401);
    const session = (
      await t.http.post('/api/v2/users/login').send({ email: owner.email, password: PASSWORD }).expect(201)
    ).body.session_token as string;
    await t.http.post('/api/v2/users/logout').set(auth(session)).expect(200);
    const logins = await rows(`action = 'login'`);
    expect(logins.map((r) => [r.user_id, r.status_code])).toEqual(
      expect.arrayContaining([
        [owner.userId, 401],
        ['00000000-0000-0000-0000-000000000000', 401],
        [owner.userId, 201],
      ]),
    );
    expect(logins.find((r) => r.status_code === 401 && r.user_id === owner.userId)?.user_agent).toBe('audit-test');
    expect(await rows(`action = 'logout' AND user_id = $1`, [owner.userId])).toHaveLength(1);
  });

  it('records user creation, role changes, suspension and deletion by the acting user', async () => {
    const bob = await createUser(t, owner, { roles: ['auditor'] });
    await t.http.put(`/api/v2/users/${bob.userId}/status/suspend`).set(auth(owner.token)).expect(200);
    await t.http.delete(`/api/v2/users/${bob.userId}`).set(auth(owner.token)).expect(200);
    const entries = await rows(`resource_type = 'user' AND resource_id = $1`, [bob.userId]);
    expect(entries.map((e) => [e.action, e.status_code, e.user_id])).toEqual([
      ['create', 201, owner.userId],
      ['write', 200, owner.userId],
      ['write', 200, owner.userId],
      ['delete', 200, owner.userId],
    ]);
    expect(entries[1].diff.rbac_roles).toEqual({ old: [], new: ['auditor'], secret: false });
    expect(entries[2].diff.status).toEqual({ old: 'active', new: 'suspended', secret: false });
  });

  it('records token creation and deletion without the secret', async () => {
    const token = await createToken(t, owner, { token_name: 'audited' });
    const id = token.split('-')[0];
    await t.http.delete(`/api/v2/users/me/keys/${id}`).set(auth(owner.token)).expect(204);
    const entries = await rows(`resource_type = 'api_key' AND resource_target = 'audited'`);
    expect(entries.map((e) => e.action)).toEqual(['create', 'delete']);
    expect(JSON.stringify(entries)).not.toContain(token.split('-')[1]);
    expect(entries[0].diff.hashed_secret).toEqual({ old: '', new: '', secret: true });
  });

  it('records organization creation and membership changes', async () => {
    const org = (
      await t.http.post('/api/v2/organizations').set(auth(owner.token)).send({ name: 'audited-org' }).expect(201)
    ).body;
    const carol = await createUser(t, owner);
    await t.http.post(`/api/v2/organizations/${org.id}/members/${carol.userId}`).set(auth(owner.token)).expect(200);
    await t.http
      .put(`/api/v2/organizations/${org.id}/members/${carol.userId}/roles`)
      .set(auth(owner.token))
      .send({ roles: ['organization-admin'] })
      .expect(200);
    await t.http.delete(`/api/v2/organizations/${org.id}/members/${carol.userId}`).set(auth(owner.token)).expect(204);
    expect((await rows(`resource_type = 'organization' AND resource_id = $1`, [org.id])).map((e) => e.action)).toEqual([
      'create',
    ]);
    const member = await rows(`resource_type = 'organization_member' AND resource_id = $1`, [carol.userId]);
    expect(member.map((e) => [e.action, e.organization_id])).toEqual([
      ['create', org.id],
      ['write', org.id],
      ['delete', org.id],
    ]);
  });

  it('writes nothing when the action fails validation or permission checks', async () => {
    const before = (await db.query('SELECT count(*)::int AS n FROM audit_logs')).rows[0].n as number;
    const member = await createUser(t, owner);
    const afterSetup = (await db.query('SELECT count(*)::int AS n FROM audit_logs')).rows[0].n as number;
    await t.http
      .post('/api/v2/users')
      .set(auth(member.token))
      .send({ email: 'x@example.com', username: 'x', password: PASSWORD })
      .expect(403);
    await t.http.post('/api/v2/organizations').set(auth(owner.token)).send({ name: '-bad-' }).expect(400);
    expect((await db.query('SELECT count(*)::int AS n FROM audit_logs')).rows[0].n).toBe(afterSetup);
    expect(afterSetup).toBeGreaterThan(before);
  });
});
