import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { dumpDatabase, isoTime, NOT_FOUND } from '../helpers/expectations.js';
import { auth, createOrg, createUser, login, PASSWORD, unique, type Owner, type Session } from '../helpers/world.js';

const NOT_AUTHORIZED_TO_CREATE = { message: 'You are not authorized to create users.' };
const tag = (name: string, value: string) => `Validation failed for tag "${name}" with value: "${value}"`;

describe('users: first user, create, list, get', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  beforeAll(async () => {
    ({ t, db } = await openWorld({ withoutOwner: true }));
  });
  afterAll(() => closeWorld(t, db));

  const userCount = async () => Number((await db.query('SELECT count(*) AS n FROM users')).rows[0].n);

  describe('POST /users/first', () => {
    it('GET /users/first is 404 before any user exists', async () => {
      const res = await t.http.get('/api/v2/users/first').expect(404);
      expect(res.body).toEqual({ message: 'The initial user has not been created!' });
    });

    const good = { email: 'first@example.com', username: 'first', password: PASSWORD };
    it.each<[string, Record<string, unknown>, { field: string; detail: string }[]]>([
      [
        'missing fields',
        {},
        [
          { field: 'email', detail: tag('required', '') },
          { field: 'username', detail: tag('required', '') },
          { field: 'password', detail: tag('required', '') },
        ],
      ],
      ['a bad email', { ...good, email: 'not-an-email' }, [{ field: 'email', detail: tag('email', 'not-an-email') }]],
      ['a leading hyphen', { ...good, username: '-bad' }, [{ field: 'username', detail: tag('username', '-bad') }]],
      [
        'a 33-character username',
        { ...good, username: 'a'.repeat(33) },
        [{ field: 'username', detail: tag('username', 'a'.repeat(33)) }],
      ],
      ['an underscore', { ...good, username: 'a_b' }, [{ field: 'username', detail: tag('username', 'a_b') }]],
      [
        'a bad email beside an unknown field (ignored)',
        { ...good, email: 'x', admin: true },
        [{ field: 'email', detail: tag('email', 'x') }],
      ],
    ])('rejects %s with 400 Validation failed', async (_name, body, validations) => {
      const res = await t.http.post('/api/v2/users/first').send(body).expect(400);
      expect(res.body).toEqual({ message: 'Validation failed.', validations });
      expect(await userCount()).toBe(0);
    });

    it('rejects a body that is not JSON with 400', async () => {
      const res = await t.http
        .post('/api/v2/users/first')
        .set('Content-Type', 'application/json')
        .send('{"email": "x@example.com",')
        .expect(400);
      expect(res.body).toEqual({ message: 'Request body must be valid JSON.', detail: expect.any(String) });
      expect(await userCount()).toBe(0);
    });

    it('rejects a weak password with a validation on password', async () => {
      const res = await t.http
        .post('/api/v2/users/first')
        .send({ ...good, password: 'password' })
        .expect(400);
      expect(res.body).toEqual({
        message: 'Password not strong enough!',
        validations: [
          {
            field: 'password',
            detail:
              'insecure password, try including special characters, using uppercase letters, using numbers or using a longer password',
          },
        ],
      });
      expect(await userCount()).toBe(0);
    });

    it('lets exactly one of several concurrent requests create the first user', async () => {
      const bodies = Array.from({ length: 6 }, (_, i) => ({
        email: `first${i}@example.com`,
        username: `first${i}`,
        password: PASSWORD,
      }));
      const results = await Promise.all(bodies.map((b) => t.http.post('/api/v2/users/first').send(b)));
      const winners = results.filter((r) => r.status === 201);
      expect(winners).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 201)) {
        expect(r.status).toBe(409);
        expect(r.body).toEqual({ message: 'The initial user has already been created.' });
      }
      const winner = winners[0];
      expect(Object.keys(winner.body).sort()).toEqual(['organization_id', 'user_id']);
      const b = bodies[results.indexOf(winner)];
      owner = {
        token: await login(t, b.email),
        userId: winner.body.user_id,
        orgId: winner.body.organization_id,
        username: b.username,
        email: b.email,
      };
      expect(await userCount()).toBe(1);
      expect(Number((await db.query('SELECT count(*) AS n FROM organizations')).rows[0].n)).toBe(1);
    });

    it('answers 200 on GET and 409 on a second POST afterwards', async () => {
      const status = await t.http.get('/api/v2/users/first').expect(200);
      expect(status.body).toEqual({ message: 'The initial user has already been created!' });
      const again = await t.http
        .post('/api/v2/users/first')
        .send({ email: 'late@example.com', username: 'late', password: PASSWORD })
        .expect(409);
      expect(again.body).toEqual({ message: 'The initial user has already been created.' });
      const weak = await t.http
        .post('/api/v2/users/first')
        .send({ email: 'late@example.com', username: 'late', password: 'password' })
        .expect(409);
      expect(weak.body).toEqual({ message: 'The initial user has already been created.' });
      expect(await userCount()).toBe(1);
    });

    it('makes the first user an owner of a default organization with an Everyone group', async () => {
      const me = await t.http.get('/api/v2/users/me').set(auth(owner.token)).expect(200);
      expect(me.body).toEqual({
        id: owner.userId,
        username: owner.username,
        name: '',
        email: owner.email,
        created_at: isoTime(),
        updated_at: isoTime(),
        last_seen_at: isoTime(),
        status: 'active',
        login_type: 'password',
        organization_ids: [owner.orgId],
        roles: [{ name: 'owner', display_name: 'Owner' }],
        avatar_url: '',
        is_service_account: false,
        has_ai_seat: false,
      });
      const org = await db.query('SELECT name, is_default FROM organizations WHERE id = $1', [owner.orgId]);
      expect(org.rows).toEqual([{ name: owner.username, is_default: true }]);
      const group = await db.query('SELECT id, name, organization_id FROM groups WHERE id = $1', [owner.orgId]);
      expect(group.rows).toEqual([{ id: owner.orgId, name: 'Everyone', organization_id: owner.orgId }]);
      const member = await db.query('SELECT organization_id, roles FROM organization_members WHERE user_id = $1', [
        owner.userId,
      ]);
      expect(member.rows).toEqual([{ organization_id: owner.orgId, roles: [] }]);
    });

    it('stores the password hashed and never returns it', async () => {
      const row = await db.query('SELECT hashed_password FROM users WHERE id = $1', [owner.userId]);
      expect(row.rows[0].hashed_password).toMatch(/^scrypt\$/);
      expect(await dumpDatabase(db)).not.toContain(PASSWORD);
      const list = await t.http.get('/api/v2/users').set(auth(owner.token)).expect(200);
      const me = await t.http.get('/api/v2/users/me').set(auth(owner.token)).expect(200);
      for (const text of [JSON.stringify(list.body), JSON.stringify(me.body)]) {
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toMatch(/hashed|scrypt/i);
      }
    });
  });

  describe('POST /users', () => {
    const newUser = (extra: Record<string, unknown> = {}) => {
      const username = unique('new');
      return { email: `${username}@example.com`, username, password: PASSWORD, ...extra };
    };

    it('lets an owner create a user, who joins the default organization', async () => {
      const body = newUser();
      const res = await t.http.post('/api/v2/users').set(auth(owner.token)).send(body).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username: body.username,
        name: '',
        email: body.email,
        created_at: isoTime(),
        updated_at: isoTime(),
        last_seen_at: isoTime(),
        status: 'active',
        login_type: 'password',
        organization_ids: [owner.orgId],
        roles: [],
        avatar_url: '',
        is_service_account: false,
        has_ai_seat: false,
      });
      const member = await db.query('SELECT organization_id FROM organization_members WHERE user_id = $1', [
        res.body.id,
      ]);
      expect(member.rows).toEqual([{ organization_id: owner.orgId }]);
      await login(t, body.email);
    });

    it('lets a user-admin create a user', async () => {
      const admin = await createUser(t, owner, { roles: ['user-admin'] });
      const body = newUser();
      const res = await t.http.post('/api/v2/users').set(auth(admin.token)).send(body).expect(201);
      expect(res.body.username).toBe(body.username);
    });

    it.each([[[]], [['auditor']], [['template-admin']]])('forbids a user with roles %j', async (roles) => {
      const caller = await createUser(t, owner, { roles });
      const body = newUser();
      const res = await t.http.post('/api/v2/users').set(auth(caller.token)).send(body).expect(403);
      expect(res.body).toEqual(NOT_AUTHORIZED_TO_CREATE);
      expect((await db.query('SELECT 1 FROM users WHERE username = $1', [body.username])).rowCount).toBe(0);
    });

    it('rejects a duplicate email or username, case-insensitively, with 409', async () => {
      const existing = await createUser(t, owner);
      const dupEmail = newUser({ email: existing.email.toUpperCase() });
      const r1 = await t.http.post('/api/v2/users').set(auth(owner.token)).send(dupEmail).expect(409);
      expect(r1.body).toEqual({ message: 'User already exists.' });
      const dupName = newUser({ username: existing.username.toUpperCase() });
      const r2 = await t.http.post('/api/v2/users').set(auth(owner.token)).send(dupName).expect(409);
      expect(r2.body).toEqual({ message: 'User already exists.' });
    });

    it('rejects a password for login_type none, and creates a passwordless user without one', async () => {
      const bad = await t.http
        .post('/api/v2/users')
        .set(auth(owner.token))
        .send(newUser({ login_type: 'none' }))
        .expect(400);
      expect(bad.body).toEqual({ message: 'Password cannot be set for non-password ("none") authentication.' });
      const { password: _, ...body } = newUser({ login_type: 'none' });
      const ok = await t.http.post('/api/v2/users').set(auth(owner.token)).send(body).expect(201);
      expect(ok.body.login_type).toBe('none');
      const row = await db.query('SELECT hashed_password FROM users WHERE id = $1', [ok.body.id]);
      expect(row.rows[0].hashed_password).toBeNull();
      const attempt = await t.http
        .post('/api/v2/users/login')
        .send({ email: body.email, password: PASSWORD })
        .expect(401);
      expect(attempt.body).toEqual({ message: 'Incorrect email or password.' });
    });

    it('requires a password for password login and rejects a weak one', async () => {
      const { password: _, ...body } = newUser();
      const missing = await t.http.post('/api/v2/users').set(auth(owner.token)).send(body).expect(400);
      expect(missing.body).toEqual({
        message: 'Validation failed.',
        validations: [{ field: 'password', detail: tag('required_if', '') }],
      });
      const weak = await t.http
        .post('/api/v2/users')
        .set(auth(owner.token))
        .send(newUser({ password: 'Ab1!' }))
        .expect(400);
      expect(weak.body).toEqual({
        message: 'Password not strong enough!',
        validations: [{ field: 'password', detail: 'insecure password, try using a longer password' }],
      });
    });

    it('rejects a bad username and an unknown organization', async () => {
      const bad = await t.http
        .post('/api/v2/users')
        .set(auth(owner.token))
        .send(newUser({ username: 'no--double' }))
        .expect(400);
      expect(bad.body).toEqual({
        message: 'Validation failed.',
        validations: [{ field: 'username', detail: tag('username', 'no--double') }],
      });
      const orgId = '7d3f7a52-0000-4000-8000-000000000001';
      const body = newUser({ organization_id: orgId });
      const res = await t.http.post('/api/v2/users').set(auth(owner.token)).send(body).expect(404);
      expect(res.body).toEqual({ message: `Organization does not exist with the provided id "${orgId}".` });
      expect((await db.query('SELECT 1 FROM users WHERE username = $1', [body.username])).rowCount).toBe(0);
    });

    it('accepts a 32-character username', async () => {
      const username = `u${unique('x')}`.padEnd(32, '0');
      const res = await t.http.post('/api/v2/users').set(auth(owner.token)).send(newUser({ username })).expect(201);
      expect(res.body.username).toBe(username);
    });

    it('puts the user in the organization named by organization_id only', async () => {
      const orgId = await createOrg(t, owner);
      const res = await t.http
        .post('/api/v2/users')
        .set(auth(owner.token))
        .send(newUser({ organization_id: orgId }))
        .expect(201);
      expect(res.body.organization_ids).toEqual([orgId]);
    });

    it('needs a session', async () => {
      const res = await t.http.post('/api/v2/users').send(newUser()).expect(401);
      expect(res.body.message).toBe(
        'You are signed out or your session has expired. Please sign in again to continue.',
      );
    });
  });

  describe('GET /users', () => {
    const prefix = unique('pg');
    const users: Record<string, Session> = {};
    const list = (token: string, query: Record<string, string>) =>
      t.http.get('/api/v2/users').query(query).set(auth(token));
    const names = (body: { users: { username: string }[] }) => body.users.map((u) => u.username);
    const n = (...letters: string[]) => letters.map((l) => `${prefix}-${l}`);

    beforeAll(async () => {
      for (const l of ['c', 'a', 'e', 'b', 'd']) users[l] = await createUser(t, owner, { username: `${prefix}-${l}` });
      await t.http.put(`/api/v2/users/${users.b.userId}/status/suspend`).set(auth(owner.token)).expect(200);
      await t.http
        .put(`/api/v2/users/${users.d.userId}/roles`)
        .set(auth(owner.token))
        .send({ roles: ['auditor'] })
        .expect(200);
    });

    it('searches by word, sorted by username, with the count', async () => {
      const res = await list(owner.token, { q: prefix }).expect(200);
      expect(names(res.body)).toEqual(n('a', 'b', 'c', 'd', 'e'));
      expect(res.body.count).toBe(5);
      const one = await list(owner.token, { q: `${prefix}-C` }).expect(200);
      expect(one.body).toEqual({
        users: [expect.objectContaining({ id: users.c.userId, email: users.c.email })],
        count: 1,
      });
      const none = await list(owner.token, { q: `${prefix}-zzz` }).expect(200);
      expect(none.body).toEqual({ users: [], count: 0 });
    });

    it('filters by status and role', async () => {
      const suspended = await list(owner.token, { q: `${prefix} status:suspended` }).expect(200);
      expect(names(suspended.body)).toEqual(n('b'));
      expect(suspended.body.users[0].status).toBe('suspended');
      const active = await list(owner.token, { q: `${prefix} status:active` }).expect(200);
      expect(names(active.body)).toEqual(n('a', 'c', 'd', 'e'));
      const auditors = await list(owner.token, { q: `${prefix} role:auditor` }).expect(200);
      expect(names(auditors.body)).toEqual(n('d'));
      const owners = await list(owner.token, { q: 'role:owner' }).expect(200);
      expect(owners.body.count).toBe(1);
      expect(owners.body.users.map((u: { id: string }) => u.id)).toEqual([owner.userId]);
    });

    it("filters by name, login type, GitHub id and service account (Coder's current keys), here and for members", async () => {
      const other = unique('nm');
      await t.http
        .post('/api/v2/users')
        .set(auth(owner.token))
        .send({ email: `${other}-g@example.com`, username: `${other}-g`, name: 'Grace Hopper', login_type: 'none' })
        .expect(201);
      await createUser(t, owner, { username: `${other}-h` });
      const found = async (q: string) => names((await list(owner.token, { q: `${other} ${q}` }).expect(200)).body);
      expect(await found('name:hopper')).toEqual([`${other}-g`]);
      expect(await found('name:HOPPER')).toEqual([`${other}-g`]);
      expect(await found('login_type:none')).toEqual([`${other}-g`]);
      expect(await found('login_type:password,none')).toEqual([`${other}-g`, `${other}-h`]);
      // No user here is a service account or has a GitHub id (the dashboard's "Service accounts" preset).
      expect(await found('service_account:true')).toEqual([]);
      expect(await found('service_account:false')).toEqual([`${other}-g`, `${other}-h`]);
      expect(await found('github_com_user_id:123')).toEqual([]);
      expect(await found('github_com_user_id:0')).toEqual([`${other}-g`, `${other}-h`]);
      const members = await t.http
        .get(`/api/v2/organizations/${owner.orgId}/paginated-members`)
        .query({ q: `${other} login_type:none` })
        .set(auth(owner.token))
        .expect(200);
      expect(members.body.members.map((m: { username: string }) => m.username)).toEqual([`${other}-g`]);
      for (const [q, field, detail] of [
        ['login_type:saml', 'login_type', 'Query param "login_type" has invalid values: saml'],
        [
          'service_account:maybe',
          'service_account',
          'Query param "service_account" must be a valid boolean: strconv.ParseBool: parsing "maybe": invalid syntax',
        ],
        [
          'github_com_user_id:x1',
          'github_com_user_id',
          'Query param "github_com_user_id" must be a valid 64-bit integer: strconv.ParseInt: parsing "x1": invalid syntax',
        ],
      ]) {
        expect((await list(owner.token, { q }).expect(400)).body).toEqual({
          message: 'Invalid user search query.',
          validations: [{ field, detail }],
        });
      }
    });

    it('pages with limit, offset and after_id', async () => {
      const p1 = await list(owner.token, { q: prefix, limit: '2' }).expect(200);
      expect(names(p1.body)).toEqual(n('a', 'b'));
      expect(p1.body.count).toBe(5);
      const p2 = await list(owner.token, { q: prefix, limit: '2', offset: '2' }).expect(200);
      expect(names(p2.body)).toEqual(n('c', 'd'));
      const p3 = await list(owner.token, { q: prefix, limit: '2', offset: '4' }).expect(200);
      expect(names(p3.body)).toEqual(n('e'));
      const after = await list(owner.token, { q: prefix, limit: '2', after_id: users.b.userId }).expect(200);
      expect(names(after.body)).toEqual(n('c', 'd'));
      // As in Coder, the cursor is part of the filter: count = users after it.
      expect(after.body.count).toBe(3);
      const last = await list(owner.token, { q: prefix, after_id: users.e.userId }).expect(200);
      expect(names(last.body)).toEqual([]);
    });

    it.each<[string, Record<string, string>, string, { field: string; detail: string }[]]>([
      [
        'an unknown status',
        { q: 'status:bogus' },
        'Invalid user search query.',
        [{ field: 'status', detail: 'Query param "status" has invalid values: bogus' }],
      ],
      [
        'an unknown key',
        { q: 'colour:red' },
        'Invalid user search query.',
        [{ field: 'colour', detail: 'Query param "colour" is not a valid query param' }],
      ],
      [
        'two colons',
        { q: 'a:b:c' },
        'Invalid user search query.',
        [{ field: 'q', detail: 'Query element "a:b:c" can only contain 1 \':\'' }],
      ],
      [
        'a trailing colon',
        { q: 'status:' },
        'Invalid user search query.',
        [{ field: 'q', detail: 'Query element "status:" cannot start or end with \':\'' }],
      ],
      [
        'a bad limit',
        { limit: 'abc' },
        'Query parameters have invalid values.',
        [{ field: 'limit', detail: 'Query param "limit" must be a valid integer ("abc")' }],
      ],
      [
        'a bad after_id',
        { after_id: 'nope' },
        'Query parameters have invalid values.',
        [{ field: 'after_id', detail: 'Query param "after_id" must be a valid uuid' }],
      ],
    ])('rejects %s with 400', async (_name, query, message, validations) => {
      const res = await list(owner.token, query).expect(400);
      expect(res.body).toEqual({ message, validations });
    });

    it('shows a plain member only itself and the members of its organizations', async () => {
      const orgId = await createOrg(t, owner);
      const outsider = await createUser(t, owner, { orgId });
      const member = await createUser(t, owner);
      const defaultOrgUsers = await db.query(
        `SELECT m.user_id FROM organization_members m JOIN users u ON u.id = m.user_id
          WHERE m.organization_id = $1 AND u.deleted = false`,
        [owner.orgId],
      );
      const expected = defaultOrgUsers.rows.map((r) => r.user_id as string).sort();
      expect(expected).not.toContain(outsider.userId);
      const res = await list(member.token, {}).expect(200);
      expect(res.body.users.map((u: { id: string }) => u.id).sort()).toEqual(expected);
      expect(res.body.count).toBe(expected.length);
      const theirs = await list(outsider.token, {}).expect(200);
      expect(theirs.body.users.map((u: { id: string }) => u.id).sort()).toEqual([owner.userId, outsider.userId].sort());
      expect(theirs.body.count).toBe(2);
      const search = await list(member.token, { q: outsider.username }).expect(200);
      expect(search.body).toEqual({ users: [], count: 0 });
    });
  });

  describe('GET /users/{user}', () => {
    it('finds a user by me, id and username (case-insensitive), all the same', async () => {
      const user = await createUser(t, owner);
      const byMe = await t.http.get('/api/v2/users/me').set(auth(user.token)).expect(200);
      expect(byMe.body).toEqual(
        expect.objectContaining({ id: user.userId, username: user.username, email: user.email }),
      );
      for (const param of [user.userId, user.userId.toUpperCase(), user.username, user.username.toUpperCase()]) {
        const res = await t.http.get(`/api/v2/users/${param}`).set(auth(owner.token)).expect(200);
        expect(res.body).toEqual(byMe.body);
      }
    });

    it('answers the same 404 for unknown users and users of other organizations', async () => {
      const orgId = await createOrg(t, owner);
      const outsider = await createUser(t, owner, { orgId });
      const member = await createUser(t, owner);
      const coMember = await createUser(t, owner);
      for (const param of ['nobody-here', '4b9e0e0e-0000-4000-8000-000000000000', outsider.userId, outsider.username]) {
        const res = await t.http.get(`/api/v2/users/${param}`).set(auth(member.token)).expect(404);
        expect(res.body).toEqual(NOT_FOUND);
      }
      const back = await t.http.get(`/api/v2/users/${member.username}`).set(auth(outsider.token)).expect(404);
      expect(back.body).toEqual(NOT_FOUND);
      const ok = await t.http.get(`/api/v2/users/${coMember.username}`).set(auth(member.token)).expect(200);
      expect(ok.body.id).toBe(coMember.userId);
      const ownerSees = await t.http.get(`/api/v2/users/${outsider.userId}`).set(auth(owner.token)).expect(200);
      expect(ownerSees.body.organization_ids).toEqual([orgId]);
    });
  });
});
