import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, createToken, createUser, type Owner, type Session } from '../helpers/world.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const INVALID = 'Invalid audit search query.';

interface Entry {
  action: string;
  resource_type: string;
  resource_target: string;
  status_code: number;
  user: { username: string } | null;
}

/** One line per entry: `<action> <resource_type> <target> <status> <actor>`. */
const line = (e: Entry) =>
  `${e.action} ${e.resource_type} ${e.resource_target || '-'} ${e.status_code} ${e.user?.username ?? '-'}`;

describe('GET /audit ?q= filters', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let bob: Session;
  let carol: Session;
  let total: number;

  /** Builds from the API (plus three old workspace-build entries written directly). */
  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ ownerName: 'qadmin' }));
    await addLicense(t, owner, ['audit_log']);
    bob = await createUser(t, owner, { username: 'bob' });
    carol = await createUser(t, owner, { username: 'carol', roles: ['auditor'] });
    await t.http
      .post('/api/v2/users/login')
      .send({ email: 'BOB@example.com', password: 'Wrong-Password-42' })
      .expect(401);
    await t.http.post('/api/v2/organizations').set(auth(owner.token)).send({ name: 'q-org' }).expect(201);
    await createToken(t, bob, { token_name: 'bobtoken' });
    const old = [
      ['2021-03-01T00:00:00.000Z', 'ws-a', 'autostart'],
      ['2021-03-02T23:59:59.500Z', 'ws-b', 'autostop'],
      ['2021-03-03T00:00:00.000Z', 'ws-c', 'initiator'],
    ];
    for (const [time, target, reason] of old) {
      await db.query(
        `INSERT INTO audit_logs (id, time, user_id, resource_type, resource_id, resource_target, action, diff,
           status_code, additional_fields, request_id)
         VALUES ($1, $2, $3, 'workspace_build', $4, $5, 'start', '{}', 200, $6, $7)`,
        [randomUUID(), time, carol.userId, randomUUID(), target, JSON.stringify({ build_reason: reason }), NIL],
      );
    }
    total = (await find()).count;
  });
  afterAll(() => closeWorld(t, db));

  async function find(q?: string, as: Session = owner) {
    const res = await t.http
      .get('/api/v2/audit')
      .query(q === undefined ? {} : { q })
      .set(auth(as.token))
      .expect(200);
    return { lines: (res.body.audit_logs as Entry[]).map(line), count: res.body.count as number };
  }
  const lines = async (q: string, as?: Session) => {
    const found = await find(q, as);
    expect(found.count).toBe(found.lines.length);
    return found.lines;
  };

  it('has the expected log to filter', () => {
    // first user, owner login, license, bob and carol (created, role set, logged in), failed
    // login, organization, token, three old builds.
    expect(total).toBe(14);
  });

  it('filters by resource type (key or bare word, any case)', async () => {
    const users = [
      'write user carol 200 qadmin',
      'create user carol 201 qadmin',
      'create user bob 201 qadmin',
      'create user qadmin 201 qadmin',
    ];
    expect(await lines('resource_type:user')).toEqual(users);
    expect(await lines('USER')).toEqual(users);
    expect(await lines('organization')).toEqual(['create organization q-org 201 qadmin']);
    expect(await lines('resource_type:license')).toEqual(['create license 1 201 qadmin']);
    expect(await lines('resource_type:group')).toEqual([]);
  });

  it('filters by action', async () => {
    expect(await lines('action:login')).toEqual([
      'login api_key - 401 bob',
      'login api_key - 201 carol',
      'login api_key - 201 bob',
      'login api_key - 201 qadmin',
    ]);
    expect(await lines('action:start')).toEqual([
      'start workspace_build ws-c 200 carol',
      'start workspace_build ws-b 200 carol',
      'start workspace_build ws-a 200 carol',
    ]);
    expect(await lines('action:logout')).toEqual([]);
  });

  it('filters by resource id and resource target', async () => {
    expect(await lines(`resource_id:${bob.userId.toUpperCase()}`)).toEqual([
      'create api_key bobtoken 201 bob',
      'login api_key - 401 bob',
      'login api_key - 201 bob',
      'create user bob 201 qadmin',
    ]);
    expect(await lines('resource_target:BOB')).toEqual(['create user bob 201 qadmin']);
    expect(await lines('resource_target:bobtoken')).toEqual(['create api_key bobtoken 201 bob']);
  });

  it("filters by request id and organization (Coder's current keys)", async () => {
    const [row] = (
      await db.query(
        `SELECT request_id FROM audit_logs WHERE resource_type = 'api_key' AND resource_target = 'bobtoken'`,
      )
    ).rows;
    expect(await lines(`request_id:${row.request_id as string}`)).toEqual(['create api_key bobtoken 201 bob']);
    const orgName = (await t.http.get(`/api/v2/organizations/${owner.orgId}`).set(auth(owner.token)).expect(200)).body
      .name as string;
    const inDefault = await lines(`organization:${orgName}`);
    expect(inDefault).toContain('create user bob 201 qadmin');
    expect(await lines(`organization:${owner.orgId}`)).toEqual(inDefault);
    // The organization's own creation is logged in it.
    expect(await lines('organization:Q-ORG')).toEqual(['create organization q-org 201 qadmin']);
    await rejects('organization:nowhere', [
      {
        field: 'organization',
        detail:
          'Query param "organization" has invalid value: organization "nowhere" either does not exist, or you are unauthorized to view it',
      },
    ]);
    await rejects('request_id:abc', [{ field: 'request_id', detail: 'Query param "request_id" must be a valid uuid' }]);
  });

  it('filters by the acting user: username, email, and me', async () => {
    const bobs = ['create api_key bobtoken 201 bob', 'login api_key - 401 bob', 'login api_key - 201 bob'];
    expect(await lines('username:bob')).toEqual(bobs);
    expect(await lines('username:BOB')).toEqual(bobs);
    expect(await lines('email:Bob@Example.com')).toEqual(bobs);
    expect(await lines('username:me', carol)).toEqual([
      'login api_key - 201 carol',
      'start workspace_build ws-c 200 carol',
      'start workspace_build ws-b 200 carol',
      'start workspace_build ws-a 200 carol',
    ]);
    expect(await lines('username:nobody')).toEqual([]);
  });

  it('filters by date, date_to covering its whole day (UTC)', async () => {
    expect(await lines('date_to:2021-03-02')).toEqual([
      'start workspace_build ws-b 200 carol',
      'start workspace_build ws-a 200 carol',
    ]);
    expect(await lines('date_from:2021-03-02 date_to:2021-03-02')).toEqual(['start workspace_build ws-b 200 carol']);
    expect(await lines('date_from:2021-03-03 date_to:2021-03-03')).toEqual(['start workspace_build ws-c 200 carol']);
    expect((await find('date_from:2021-03-03')).count).toBe(total - 2);
    expect((await find('date_from:2021-03-04')).count).toBe(total - 3);
  });

  it('filters by build reason', async () => {
    expect(await lines('build_reason:autostop')).toEqual(['start workspace_build ws-b 200 carol']);
    expect(await lines('build_reason:initiator')).toEqual(['start workspace_build ws-c 200 carol']);
  });

  it('combines filters', async () => {
    expect(await lines('api_key action:login username:bob')).toEqual([
      'login api_key - 401 bob',
      'login api_key - 201 bob',
    ]);
    expect(await lines('resource_type:workspace_build date_from:2021-03-02 build_reason:autostart')).toEqual([]);
    expect(await lines('resource_target:"ws-a" action:start username:carol date_to:2021-03-01')).toEqual([
      'start workspace_build ws-a 200 carol',
    ]);
  });

  const rejects = async (q: string, validations: { field: string; detail: string }[]) => {
    const res = await t.http.get('/api/v2/audit').query({ q }).set(auth(owner.token)).expect(400);
    expect(res.body).toEqual({ message: INVALID, validations });
  };

  it('rejects malformed terms and repeated keys', async () => {
    await rejects('action:login:now', [
      { field: 'q', detail: `Query element "action:login:now" can only contain 1 ':'` },
    ]);
    await rejects('action:', [{ field: 'q', detail: `Query element "action:" cannot start or end with ':'` }]);
    await rejects('user group', [
      { field: 'q', detail: 'Query parameter "resource_type" provided more than once, found 2 times' },
    ]);
    await rejects('username:bob username:carol', [
      { field: 'q', detail: 'Query parameter "username" provided more than once, found 2 times' },
    ]);
  });

  it('rejects unknown keys and invalid values', async () => {
    await rejects('colour:red', [{ field: 'colour', detail: 'Query param "colour" is not a valid query param' }]);
    await rejects('resource_id:12345', [
      { field: 'resource_id', detail: 'Query param "resource_id" must be a valid uuid' },
    ]);
    await rejects('action:fly', [
      { field: 'action', detail: 'Query param "action" has invalid value: "fly" is not a valid value' },
    ]);
    await rejects('users', [
      { field: 'resource_type', detail: 'Query param "resource_type" has invalid value: "users" is not a valid value' },
    ]);
    await rejects('build_reason:Manual', [
      { field: 'build_reason', detail: 'Query param "build_reason" has invalid value: "manual" is not a valid value' },
    ]);
    await rejects('action:fly organisation:x', [
      { field: 'action', detail: 'Query param "action" has invalid value: "fly" is not a valid value' },
      { field: 'organisation', detail: 'Query param "organisation" is not a valid query param' },
    ]);
  });

  it('rejects bad dates and a date_to before date_from', async () => {
    await rejects('date_from:2021-3-1', [
      {
        field: 'date_from',
        detail:
          'Query param "date_from" must be a valid date format (2006-01-02): parsing time "2021-3-1" as "2006-01-02": cannot parse "3-1" as "01"',
      },
    ]);
    await rejects('date_to:2021-02-30', [
      {
        field: 'date_to',
        detail:
          'Query param "date_to" must be a valid date format (2006-01-02): parsing time "2021-02-30": day out of range',
      },
    ]);
    await rejects('date_from:2021-03-02 date_to:2021-03-01', [
      { field: 'q', detail: 'DateTo value "2021-03-01 23:59:59 +0000 UTC" cannot be before than DateFrom' },
    ]);
  });
});
