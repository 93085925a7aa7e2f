import type pg from 'pg';
import type { Test } from 'supertest';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { dumpDatabase, sha256, signedOut, TOKEN_RE } from '../helpers/expectations.js';
import { auth, createToken, createUser, login, PASSWORD, type Owner, type Session } from '../helpers/world.js';

const INCORRECT = { message: 'Incorrect email or password.' };
const NOT_ACTIVE = {
  message: 'User is not active (status = "suspended"). Contact an admin to reactivate your account.',
};
const MISSING = signedOut('Cookie "coder_session_token" or query parameter must be provided.');
const HOUR = 3_600_000;

function sessionCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const raw = res.headers['set-cookie'];
  const all = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  return all.find((c) => c.startsWith('coder_session_token='));
}

const transports: [string, (req: Test, token: string) => Test][] = [
  ['Coder-Session-Token header', (r, tok) => r.set('Coder-Session-Token', tok)],
  ['coder_session_token cookie', (r, tok) => r.set('Cookie', `coder_session_token=${tok}`)],
  ['coder_session_token query parameter', (r, tok) => r.query({ coder_session_token: tok })],
  ['Authorization: Bearer header', (r, tok) => r.set('Authorization', `Bearer ${tok}`)],
];

describe('auth: login, logout and session tokens', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ ownerName: 'root' }));
  });
  afterAll(() => closeWorld(t, db));

  const me = (token: string) => t.http.get('/api/v2/users/me').set(auth(token));
  const keyRow = async (token: string) =>
    (await db.query('SELECT * FROM api_keys WHERE id = $1', [token.split('-')[0]])).rows[0];

  describe('POST /users/login', () => {
    it('answers 201 with a session token, also set as an HttpOnly cookie, valid for 24h', async () => {
      const before = Date.now();
      const res = await t.http.post('/api/v2/users/login').send({ email: owner.email, password: PASSWORD }).expect(201);
      expect(res.body).toEqual({ session_token: expect.stringMatching(TOKEN_RE) });
      const token = res.body.session_token as string;
      const cookie = sessionCookie(res);
      expect(cookie).toBeDefined();
      const [pair, ...attrs] = cookie!.split(';').map((s) => s.trim());
      expect(pair).toBe(`coder_session_token=${token}`);
      expect(attrs).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Lax']));
      expect(cookie).not.toMatch(/Max-Age|Expires/i);
      const row = await keyRow(token);
      expect(row).toEqual(
        expect.objectContaining({
          user_id: owner.userId,
          login_type: 'password',
          scope: 'all',
          token_name: '',
          lifetime_seconds: '86400',
        }),
      );
      expect(row.expires_at.getTime()).toBeGreaterThanOrEqual(before + 24 * HOUR);
      expect(row.expires_at.getTime()).toBeLessThanOrEqual(Date.now() + 24 * HOUR);
      expect((await me(token).expect(200)).body.id).toBe(owner.userId);
    });

    it('matches the email case-insensitively', async () => {
      const token = await login(t, owner.email.toUpperCase());
      expect((await me(token).expect(200)).body.id).toBe(owner.userId);
    });

    it.each([
      ['a wrong password', () => ({ email: owner.email, password: 'Wrong-password-123!' })],
      ['an unknown email', () => ({ email: 'nobody@example.com', password: PASSWORD })],
    ])('answers 401 for %s, without a cookie', async (_name, body) => {
      const keys = (await db.query('SELECT count(*) AS n FROM api_keys')).rows[0].n;
      const res = await t.http.post('/api/v2/users/login').send(body()).expect(401);
      expect(res.body).toEqual(INCORRECT);
      expect(sessionCookie(res)).toBeUndefined();
      expect((await db.query('SELECT count(*) AS n FROM api_keys')).rows[0].n).toBe(keys);
    });

    it.each<[string, Record<string, unknown>, { field: string; detail: string }[]]>([
      [
        'an empty body',
        {},
        [
          { field: 'email', detail: 'Validation failed for tag "required" with value: ""' },
          { field: 'password', detail: 'Validation failed for tag "required" with value: ""' },
        ],
      ],
      [
        'a bad email',
        { email: 'root', password: PASSWORD },
        [{ field: 'email', detail: 'Validation failed for tag "email" with value: "root"' }],
      ],
      [
        'a bad email beside an unknown field (ignored)',
        { email: 'root', password: PASSWORD, remember: true },
        [{ field: 'email', detail: 'Validation failed for tag "email" with value: "root"' }],
      ],
    ])('answers 400 for %s', async (_name, body, validations) => {
      const res = await t.http.post('/api/v2/users/login').send(body).expect(400);
      expect(res.body).toEqual({ message: 'Validation failed.', validations });
    });

    it('answers 400 for a body that is not JSON', async () => {
      const res = await t.http
        .post('/api/v2/users/login')
        .set('Content-Type', 'application/json')
        .send('{"email":')
        .expect(400);
      expect(res.body).toEqual({ message: 'Request body must be valid JSON.', detail: expect.any(String) });
    });
  });

  describe('POST /users/logout', () => {
    it('answers 200, clears the cookie and revokes only the presented key', async () => {
      const user = await createUser(t, owner);
      const other = await login(t, user.email);
      const res = await t.http.post('/api/v2/users/logout').set(auth(user.token)).expect(200);
      expect(res.body).toEqual({ message: 'Logged out!' });
      const cookie = sessionCookie(res);
      expect(cookie).toBeDefined();
      expect(cookie!.split(';')[0]).toBe('coder_session_token=');
      expect(cookie).toMatch(/Max-Age=0/);
      expect(cookie).toMatch(/Path=\//);
      expect((await me(user.token).expect(401)).body).toEqual(signedOut('API key is invalid.'));
      expect(await keyRow(user.token)).toBeUndefined();
      expect((await me(other).expect(200)).body.id).toBe(user.userId);
    });

    it('works with the cookie alone and also revokes application_connect keys', async () => {
      const user = await createUser(t, owner);
      const app = await createToken(t, user, { scope: 'application_connect' });
      const kept = await createToken(t, user);
      await t.http.post('/api/v2/users/logout').set('Cookie', `coder_session_token=${user.token}`).expect(200);
      expect((await me(user.token).expect(401)).body).toEqual(signedOut('API key is invalid.'));
      expect((await me(app).expect(401)).body).toEqual(signedOut('API key is invalid.'));
      await me(kept).expect(200);
    });

    it('never lets an application_connect key call the API', async () => {
      const user = await createUser(t, owner);
      const app = await createToken(t, user, { scope: 'application_connect' });
      const res = await me(app).expect(403);
      expect(res.body).toEqual({
        message: 'Forbidden.',
        detail: 'This API key is scoped to application_connect and cannot be used for the API.',
      });
      await t.http.post('/api/v2/users/me/keys/tokens').set(auth(app)).send({}).expect(403);
    });

    it('answers 401 without a session', async () => {
      const res = await t.http.post('/api/v2/users/logout').expect(401);
      expect(res.body).toEqual(MISSING);
    });
  });

  describe('presented tokens', () => {
    let valid: Session;
    const tokens: Record<string, string> = {};
    const cases: [string, () => string, number, unknown][] = [
      [
        'too few parts',
        () => 'abcdefghij',
        401,
        signedOut('Invalid API key format: incorrect amount of API key parts, expected 2 got 1'),
      ],
      [
        'too many parts',
        () => 'a-b-c',
        401,
        signedOut('Invalid API key format: incorrect amount of API key parts, expected 2 got 3'),
      ],
      [
        'a short id',
        () => `short-${'a'.repeat(22)}`,
        401,
        signedOut('Invalid API key format: invalid API key ID length, expected 10 got 5'),
      ],
      [
        'a long id',
        () => `${'a'.repeat(11)}-${'a'.repeat(22)}`,
        401,
        signedOut('Invalid API key format: invalid API key ID length, expected 10 got 11'),
      ],
      [
        'a short secret',
        () => `${'a'.repeat(10)}-short`,
        401,
        signedOut('Invalid API key format: invalid API key secret length, expected 22 got 5'),
      ],
      [
        'a long secret',
        () => `${'a'.repeat(10)}-${'a'.repeat(23)}`,
        401,
        signedOut('Invalid API key format: invalid API key secret length, expected 22 got 23'),
      ],
      ['an unknown id', () => `ZZZZZZZZZZ-${'a'.repeat(22)}`, 401, signedOut('API key is invalid.')],
      ['the right id with a wrong secret', () => tokens.wrongSecret, 401, signedOut('API key secret is invalid.')],
      ['an expired key', () => tokens.expired, 401, signedOut('API key expired at "2020-01-02 03:04:05 +0000 UTC".')],
      ["a deleted user's key", () => tokens.deleted, 401, signedOut('API key is invalid.')],
      ["a suspended user's key", () => tokens.suspended, 401, NOT_ACTIVE],
      ['a logged-out key', () => tokens.loggedOut, 401, signedOut('API key is invalid.')],
    ];

    beforeAll(async () => {
      valid = await createUser(t, owner);
      const [id, secret] = valid.token.split('-');
      const flipped = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a');
      tokens.wrongSecret = `${id}-${flipped}`;
      const expired = await createUser(t, owner);
      tokens.expired = expired.token;
      await db.query(`UPDATE api_keys SET expires_at = '2020-01-02T03:04:05Z' WHERE id = $1`, [
        expired.token.split('-')[0],
      ]);
      const deleted = await createUser(t, owner);
      tokens.deleted = deleted.token;
      await t.http.delete(`/api/v2/users/${deleted.userId}`).set(auth(owner.token)).expect(200);
      const suspended = await createUser(t, owner);
      tokens.suspended = suspended.token;
      await t.http.put(`/api/v2/users/${suspended.userId}/status/suspend`).set(auth(owner.token)).expect(200);
      const loggedOut = await createUser(t, owner);
      tokens.loggedOut = loggedOut.token;
      await t.http.post('/api/v2/users/logout').set(auth(loggedOut.token)).expect(200);
    });

    it.each(transports)('a valid token authenticates through the %s', async (_name, present) => {
      const res = await present(t.http.get('/api/v2/users/me'), valid.token).expect(200);
      expect(res.body.id).toBe(valid.userId);
    });

    const matrix = transports.flatMap(([where, present]) =>
      cases.map(([what, token, status, body]) => [what, where, present, token, status, body] as const),
    );
    it.each(matrix)(
      "%s through the %s is rejected with Coder's detail",
      async (_what, _where, present, token, status, body) => {
        const res = await present(t.http.get('/api/v2/users/me'), token()).expect(status);
        expect(res.body).toEqual(body);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
      },
    );

    it.each([
      ['no token at all', (r: Test) => r],
      ['an empty header', (r: Test) => r.set('Coder-Session-Token', '')],
      ['an empty cookie', (r: Test) => r.set('Cookie', 'coder_session_token=')],
      ['an empty query parameter', (r: Test) => r.query({ coder_session_token: '' })],
      ['another scheme', (r: Test) => r.set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`)],
    ])('answers 401 for %s', async (_name, present) => {
      const res = await present(t.http.get('/api/v2/users/me')).expect(401);
      expect(res.body).toEqual(MISSING);
    });

    it('prefers the cookie over the header, as Coder does', async () => {
      const res = await t.http
        .get('/api/v2/users/me')
        .set('Cookie', 'coder_session_token=a-b-c')
        .set('Coder-Session-Token', valid.token)
        .expect(401);
      expect(res.body).toEqual(
        signedOut('Invalid API key format: incorrect amount of API key parts, expected 2 got 3'),
      );
    });

    it('leaves the wrong-secret key intact for its owner', async () => {
      await me(valid.token).expect(200);
    });
  });

  describe('sliding expiry', () => {
    let user: Session;
    const row = async () => keyRow(user.token);
    beforeAll(async () => {
      user = await createUser(t, owner);
    });

    it('does not rewrite a key used within the hour', async () => {
      const before = await row();
      await me(user.token).expect(200);
      await me(user.token).expect(200);
      const after = await row();
      expect(after.last_used).toEqual(before.last_used);
      expect(after.expires_at).toEqual(before.expires_at);
      expect(after.updated_at).toEqual(before.updated_at);
    });

    it("records use of a key last used over an hour ago, and the user's last-seen time", async () => {
      await db.query(`UPDATE api_keys SET last_used = now() - interval '2 hours' WHERE id = $1`, [
        user.token.split('-')[0],
      ]);
      await db.query(`UPDATE users SET last_seen_at = now() - interval '2 hours' WHERE id = $1`, [user.userId]);
      const before = await row();
      const start = Date.now();
      await me(user.token).expect(200);
      const end = Date.now();
      const after = await row();
      expect(after.last_used.getTime()).toBeGreaterThanOrEqual(start);
      expect(after.last_used.getTime()).toBeLessThanOrEqual(end);
      expect(after.expires_at).toEqual(before.expires_at);
      const seen = await db.query('SELECT last_seen_at FROM users WHERE id = $1', [user.userId]);
      expect(seen.rows[0].last_seen_at).toEqual(after.last_used);
      await me(user.token).expect(200);
      expect((await row()).last_used).toEqual(after.last_used);
    });

    it('pushes expires_at forward when less than lifetime - 1h remains', async () => {
      await db.query(`UPDATE api_keys SET expires_at = now() + interval '22 hours' WHERE id = $1`, [
        user.token.split('-')[0],
      ]);
      const before = await row();
      const start = Date.now();
      await me(user.token).expect(200);
      const end = Date.now();
      const after = await row();
      expect(after.expires_at.getTime()).toBeGreaterThanOrEqual(start + 24 * HOUR);
      expect(after.expires_at.getTime()).toBeLessThanOrEqual(end + 24 * HOUR);
      expect(after.last_used).toEqual(before.last_used);
    });

    it('leaves expires_at alone while more than lifetime - 1h remains', async () => {
      await db.query(`UPDATE api_keys SET expires_at = now() + interval '23 hours 30 minutes' WHERE id = $1`, [
        user.token.split('-')[0],
      ]);
      const before = await row();
      await me(user.token).expect(200);
      expect((await row()).expires_at).toEqual(before.expires_at);
    });
  });

  describe('storage', () => {
    it('stores only sha256 of the secret: no token or secret anywhere in the database', async () => {
      const user = await createUser(t, owner);
      const apiToken = await createToken(t, user, { token_name: 'stored' });
      for (const token of [user.token, apiToken]) {
        const [id, secret] = token.split('-');
        const stored = await keyRow(token);
        expect(stored.id).toBe(id);
        expect(Buffer.isBuffer(stored.hashed_secret)).toBe(true);
        expect(stored.hashed_secret.equals(sha256(secret))).toBe(true);
        const dump = await dumpDatabase(db);
        expect(dump).not.toContain(secret);
        expect(dump).not.toContain(token);
      }
    });

    it('never shows the hashed secret through the API', async () => {
      const user = await createUser(t, owner);
      await createToken(t, user, { token_name: 'listed' });
      const list = await t.http.get('/api/v2/users/me/keys/tokens').set(auth(user.token)).expect(200);
      expect(JSON.stringify(list.body)).not.toMatch(/hashed|secret/i);
    });
  });
});
