import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, isoTime, SIGNED_OUT } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, createToken, createUser, PASSWORD, type Owner, type Session } from '../helpers/world.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const NOT_ENTITLED = { message: 'Audit Log is an Enterprise feature. Contact sales!' };

interface AuditLog {
  id: string;
  request_id: string;
  time: string;
  organization_id: string;
  ip: string;
  user_agent: string;
  resource_type: string;
  resource_id: string;
  resource_target: string;
  resource_icon: string;
  action: string;
  diff: Record<string, { old?: unknown; new?: unknown; secret: boolean }>;
  status_code: number;
  additional_fields: Record<string, unknown>;
  description: string;
  resource_link: string;
  is_deleted: boolean;
  user: Record<string, unknown> | null;
}

describe('GET /audit', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ ownerName: 'auditboss' }));
  });
  afterAll(() => closeWorld(t, db));

  const read = (session: Session, query: Record<string, string | number> = {}) =>
    t.http.get('/api/v2/audit').query(query).set(auth(session.token));
  const logs = async (query: Record<string, string | number> = {}) => {
    const res = await read(owner, query).expect(200);
    return res.body as { audit_logs: AuditLog[]; count: number };
  };

  describe('without the audit_log entitlement', () => {
    it('answers 401 to anonymous callers and 403 to the owner', async () => {
      const anon = await t.http.get('/api/v2/audit').expect(401);
      expect(anon.body.message).toBe(SIGNED_OUT);
      expect((await read(owner).expect(403)).body).toEqual(NOT_ENTITLED);
      // The entitlement is checked before the role and before the query.
      const member = await createUser(t, owner);
      expect((await read(member, { q: 'colour:red' }).expect(403)).body).toEqual(NOT_ENTITLED);
    });

    it('still records entries, which show once the license arrives', async () => {
      await createUser(t, owner, { username: 'earlybird' });
      await addLicense(t, owner, ['audit_log']);
      const { audit_logs } = await logs({ q: 'resource_target:earlybird' });
      expect(audit_logs.map((l) => [l.action, l.resource_type])).toEqual([['create', 'user']]);
    });
  });

  describe('with the audit_log entitlement', () => {
    it('lets owners and auditors read; members, template and user admins get 403', async () => {
      const auditor = await createUser(t, owner, { roles: ['auditor'] });
      expect((await read(auditor).expect(200)).body.count).toBeGreaterThan(0);
      for (const roles of [[], ['template-admin'], ['user-admin']]) {
        const user = await createUser(t, owner, { roles });
        expect((await read(user).expect(403)).body).toEqual(FORBIDDEN);
        // Authorization comes before validating the query.
        expect((await read(user, { q: 'a:b:c' }).expect(403)).body).toEqual(FORBIDDEN);
      }
      await t.http.get('/api/v2/audit').expect(401);
    });

    it('shows real actions newest first, with descriptions, links and the acting user', async () => {
      const alice = await createUser(t, owner, { username: 'alice' });
      await t.http
        .post('/api/v2/users/login')
        .set('User-Agent', 'wrong-pw')
        .send({ email: alice.email, password: 'Not-The-Password-1' })
        .expect(401);
      await t.http.post('/api/v2/users/login').send({ email: 'ghost@example.com', password: PASSWORD }).expect(401);
      const org = (
        await t.http.post('/api/v2/organizations').set(auth(owner.token)).send({ name: 'audit-read-org' }).expect(201)
      ).body;
      await createToken(t, alice, { token_name: 'ci-token' });

      const { audit_logs, count } = await logs({ limit: 6 });
      expect(count).toBeGreaterThan(6);
      expect(
        audit_logs.map((l) => [l.action, l.resource_type, l.resource_target, l.status_code, l.user?.username ?? null]),
      ).toEqual([
        ['create', 'api_key', 'ci-token', 201, 'alice'],
        ['create', 'organization', 'audit-read-org', 201, 'auditboss'],
        ['login', 'api_key', '', 401, null],
        ['login', 'api_key', '', 401, 'alice'],
        ['login', 'api_key', '', 201, 'alice'],
        ['create', 'user', 'alice', 201, 'auditboss'],
      ]);
      const [token, orgLog, ghost, failed, login, created] = audit_logs;
      expect(audit_logs.map((l) => l.description)).toEqual([
        '{user} created',
        '{user} created organization {target}',
        '{user} logged in',
        '{user} logged in',
        '{user} logged in',
        '{user} created user {target}',
      ]);
      expect(audit_logs.map((l) => l.resource_link)).toEqual(['', '', '', '', '', '/users?filter=alice']);
      expect(audit_logs.every((l) => l.is_deleted === false)).toBe(true);
      const times = audit_logs.map((l) => Date.parse(l.time));
      expect([...times].sort((a, b) => b - a)).toEqual(times);

      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        time: isoTime(),
        organization_id: owner.orgId,
        ip: '127.0.0.1',
        user_agent: expect.any(String),
        resource_type: 'user',
        resource_id: alice.userId,
        resource_target: 'alice',
        resource_icon: '',
        action: 'create',
        diff: expect.objectContaining({ username: { new: 'alice', secret: false } }),
        status_code: 201,
        additional_fields: {},
        description: '{user} created user {target}',
        resource_link: '/users?filter=alice',
        is_deleted: false,
        user: (await t.http.get(`/api/v2/users/${owner.userId}`).set(auth(owner.token)).expect(200)).body,
        organization: { id: owner.orgId, name: 'auditboss', display_name: '', icon: '' },
      });
      expect(created.diff.hashed_password).toEqual({ old: '', new: '', secret: true });
      expect(orgLog.resource_id).toBe(org.id);
      expect(ghost).toMatchObject({ user: null, resource_id: NIL, organization_id: NIL });
      expect(failed.user_agent).toBe('wrong-pw');
      const aliceUser = (await t.http.get(`/api/v2/users/${alice.userId}`).set(auth(owner.token)).expect(200)).body;
      expect(failed.user).toEqual(aliceUser);
      expect(login.user).toEqual(aliceUser);
      expect(token.user).toEqual(aliceUser);
      expect(aliceUser.organization_ids).toEqual([owner.orgId]);
    });

    it('marks a deleted user (and drops its link) on every entry about that user', async () => {
      const doomed = await createUser(t, owner, { username: 'doomed' });
      await t.http.delete(`/api/v2/users/${doomed.userId}`).set(auth(owner.token)).expect(200);
      const { audit_logs } = await logs({ q: `resource_id:${doomed.userId} resource_type:user` });
      expect(audit_logs.map((l) => [l.action, l.description, l.is_deleted, l.resource_link])).toEqual([
        ['delete', '{user} deleted user {target}', true, ''],
        ['create', '{user} created user {target}', true, ''],
      ]);
      // The deleted user's own login still names them as the actor.
      const own = await logs({ q: `resource_id:${doomed.userId} action:login` });
      expect(own.audit_logs.map((l) => [l.user?.id, l.is_deleted])).toEqual([[doomed.userId, false]]);
    });

    it("leaves out a diff's old/new when it had no value (Coder's omitempty), sends empty values, and always secret", async () => {
      // Written by the API: a user created (no old values), then renamed from "" to a name.
      const dora = await createUser(t, owner, { username: 'dora' });
      await t.http
        .put(`/api/v2/users/${dora.userId}/profile`)
        .set(auth(dora.token))
        .send({ username: 'dora', name: 'Dora Explorer' })
        .expect(200);
      const [rename, create] = (await logs({ q: `resource_id:${dora.userId} resource_type:user` })).audit_logs;
      expect(create.action).toBe('create');
      expect(create.diff.username).toEqual({ new: 'dora', secret: false });
      expect(create.diff.name).toEqual({ new: '', secret: false });
      expect(create.diff.deleted).toEqual({ new: false, secret: false });
      expect(create.diff.rbac_roles).toEqual({ new: [], secret: false });
      expect(create.diff.hashed_password).toEqual({ old: '', new: '', secret: true });
      expect(rename.diff).toEqual({ name: { old: '', new: 'Dora Explorer', secret: false } });
      const deleted = await createUser(t, owner, { username: 'dropped' });
      await t.http.delete(`/api/v2/users/${deleted.userId}`).set(auth(owner.token)).expect(200);
      const [del] = (await logs({ q: `resource_id:${deleted.userId} action:delete` })).audit_logs;
      expect(del.diff.username).toEqual({ old: 'dropped', secret: false });

      // Rows as older versions stored them: explicit nulls, zero values, no secret flag, junk.
      const id = randomUUID();
      await db.query(
        `INSERT INTO audit_logs (id, time, user_id, resource_type, resource_id, resource_target, action, diff, status_code, additional_fields, request_id)
         VALUES ($1, now(), $2, 'workspace_proxy', $1, 'legacy-row', 'write', $3, 200, '{}', $4)`,
        [
          id,
          owner.userId,
          JSON.stringify({
            name: { old: null, new: 'g', secret: false },
            avatar_url: { old: 'https://x/a.png', new: null, secret: false },
            quota_allowance: { old: 0, new: 5 },
            display_name: { old: '', new: null, secret: false },
            members: { old: null, new: null, secret: false },
            token: { old: null, new: null, secret: true },
            broken: 'not an object',
          }),
          NIL,
        ],
      );
      const [legacy] = (await logs({ q: `resource_id:${id}` })).audit_logs;
      expect(legacy.diff).toEqual({
        name: { new: 'g', secret: false },
        avatar_url: { old: 'https://x/a.png', secret: false },
        quota_allowance: { old: 0, new: 5, secret: false },
        display_name: { old: '', secret: false },
        members: { secret: false },
        token: { secret: true },
      });
      // No `null` for old/new anywhere in the log.
      const text = JSON.stringify((await logs()).audit_logs.map((l) => l.diff));
      expect(text).not.toMatch(/"(old|new)":null/);
    });

    it("serves only resource types Coder's clients know: appearance rows of earlier versions stay stored, unseen", async () => {
      const before = await logs();
      const id = randomUUID();
      await db.query(
        `INSERT INTO audit_logs (id, time, user_id, resource_type, resource_id, resource_target, action, diff, status_code, additional_fields, request_id)
         VALUES ($1, now(), $2, 'appearance', $1, 'appearance', 'write', '{}', 200, '{}', $3)`,
        [id, owner.userId, NIL],
      );
      const after = await logs();
      expect(after.count).toBe(before.count);
      expect(after.audit_logs.map((l) => l.id)).not.toContain(id);
      expect((await db.query('SELECT 1 FROM audit_logs WHERE id = $1', [id])).rowCount).toBe(1);
      await db.query('DELETE FROM audit_logs WHERE id = $1', [id]);
    });

    it('pages with limit and offset while count stays the total', async () => {
      const all = await logs();
      expect(all.audit_logs).toHaveLength(all.count);
      expect((await logs({ limit: 0 })).audit_logs).toEqual(all.audit_logs);
      const page = await logs({ limit: 2, offset: 1 });
      expect(page.count).toBe(all.count);
      expect(page.audit_logs).toEqual(all.audit_logs.slice(1, 3));
      const last = await logs({ limit: 5, offset: all.count - 1 });
      expect(last).toEqual({ audit_logs: all.audit_logs.slice(-1), count: all.count, count_cap: 0 });
      expect(await logs({ offset: all.count + 10 })).toEqual({ audit_logs: [], count: all.count, count_cap: 0 });
      expect(await logs({ q: 'resource_type:group' })).toEqual({ audit_logs: [], count: 0, count_cap: 0 });
    });

    it('rejects bad paging parameters', async () => {
      expect((await read(owner, { limit: 1001 }).expect(400)).body).toEqual({
        message: 'Query parameters have invalid values.',
        validations: [{ field: 'limit', detail: 'Query param "limit" must be between 0 and 1000' }],
      });
      expect((await read(owner, { offset: 'x' }).expect(400)).body.validations).toEqual([
        { field: 'offset', detail: 'Query param "offset" must be a valid integer ("x")' },
      ]);
      const twice = await t.http.get('/api/v2/audit?q=user&q=group').set(auth(owner.token)).expect(400);
      expect(twice.body.validations).toEqual([{ field: 'q', detail: 'Query param "q" must be provided at most once' }]);
    });

    it('never contains password hashes, token secrets or session tokens', async () => {
      const bob = await createUser(t, owner, { username: 'secretive' });
      const key = await createToken(t, bob, { token_name: 'hidden' });
      await t.http
        .put(`/api/v2/users/${bob.userId}/password`)
        .set(auth(owner.token))
        .send({ password: 'Another-Strong-Pass-42' })
        .expect(204);
      const text = JSON.stringify((await read(owner).expect(200)).body);
      const hashes = await db.query(`SELECT hashed_password FROM users WHERE hashed_password IS NOT NULL`);
      const secrets = await db.query(
        `SELECT encode(hashed_secret, 'hex') AS hex, encode(hashed_secret, 'base64') AS b64 FROM api_keys`,
      );
      expect(hashes.rows.length).toBeGreaterThan(2);
      expect(secrets.rows.length).toBeGreaterThan(2);
      for (const { hashed_password } of hashes.rows) expect(text).not.toContain(hashed_password);
      for (const { hex, b64 } of secrets.rows) {
        expect(text).not.toContain(hex);
        expect(text).not.toContain(b64);
      }
      for (const secret of [key, owner.token, bob.token, 'Another-Strong-Pass-42', PASSWORD]) {
        expect(text).not.toContain(secret.split('-')[1] ?? secret);
        expect(text).not.toContain(secret);
      }
      expect(text).toContain('"secret":true');
    });
  });
});
