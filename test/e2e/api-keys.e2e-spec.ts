import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { isoTime, NOT_FOUND, signedOut, TOKEN_RE } from '../helpers/expectations.js';
import { auth, createOrg, createToken, createUser, unique, type Owner, type Session } from '../helpers/world.js';

const HOUR_NS = 3_600_000_000_000;
const DAY_MS = 86_400_000;
const INVALID = 'Failed to validate create API key request.';
const INVALID_KEY = signedOut('API key is invalid.');

describe('API keys and tokens', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ ownerName: 'keymaster' }));
  });
  afterAll(() => closeWorld(t, db));

  const me = (token: string) => t.http.get('/api/v2/users/me').set(auth(token));
  const post = (s: Session, body: Record<string, unknown>, user = 'me') =>
    t.http.post(`/api/v2/users/${user}/keys/tokens`).set(auth(s.token)).send(body);
  const idOf = (token: string) => token.split('-')[0];
  const row = async (token: string) => (await db.query('SELECT * FROM api_keys WHERE id = $1', [idOf(token)])).rows[0];
  const keyBody = (user: Session, token: string, name: string, lifetimeSeconds: number, loginType = 'token') => ({
    id: idOf(token),
    user_id: user.userId,
    last_used: isoTime(),
    expires_at: isoTime(),
    created_at: isoTime(),
    updated_at: isoTime(),
    login_type: loginType,
    scope: 'all',
    scopes: ['coder:all'],
    token_name: name,
    lifetime_seconds: lifetimeSeconds,
    allow_list: ['*:*'],
  });

  describe('POST /users/{user}/keys/tokens', () => {
    it('creates a 30-day token with a generated name that authenticates', async () => {
      const user = await createUser(t, owner);
      const start = Date.now();
      const res = await post(user, {}).expect(201);
      expect(res.body).toEqual({ key: expect.stringMatching(TOKEN_RE) });
      const token = res.body.key as string;
      const stored = await row(token);
      expect(stored).toEqual(
        expect.objectContaining({
          user_id: user.userId,
          login_type: 'token',
          scope: 'all',
          lifetime_seconds: '2592000',
        }),
      );
      expect(stored.token_name).toMatch(/^[a-z]+_[a-z]+[0-9]$/);
      expect(stored.expires_at.getTime()).toBeGreaterThanOrEqual(start + 30 * DAY_MS);
      expect(stored.expires_at.getTime()).toBeLessThanOrEqual(Date.now() + 30 * DAY_MS);
      expect((await me(token).expect(200)).body.id).toBe(user.userId);
      const byName = await t.http
        .get(`/api/v2/users/me/keys/tokens/${stored.token_name}`)
        .set(auth(user.token))
        .expect(200);
      expect(byName.body).toEqual(keyBody(user, token, stored.token_name, 2592000));
      expect(byName.body.expires_at).toBe(stored.expires_at.toISOString());
    });

    it('takes the lifetime in nanoseconds and accepts the maximum exactly', async () => {
      const user = await createUser(t, owner);
      const start = Date.now();
      const hour = await post(user, { lifetime: HOUR_NS, token_name: 'hourly' }).expect(201);
      const stored = await row(hour.body.key);
      expect(stored.lifetime_seconds).toBe('3600');
      expect(stored.expires_at.getTime()).toBeGreaterThanOrEqual(start + 3_600_000);
      expect(stored.expires_at.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000);
      const max = await post(user, { lifetime: 720 * HOUR_NS, token_name: 'longest' }).expect(201);
      expect((await row(max.body.key)).lifetime_seconds).toBe(String(720 * 3600));
    });

    it.each<[string, number, string]>([
      ['negative', -HOUR_NS, 'lifetime must be positive number greater than 0'],
      ['over the 720h maximum', 721 * HOUR_NS, 'lifetime must be less than 720h0m0s'],
    ])('rejects a %s lifetime with 400 and creates nothing', async (_name, lifetime, detail) => {
      const user = await createUser(t, owner);
      const res = await post(user, { lifetime, token_name: 'rejected' }).expect(400);
      expect(res.body).toEqual({ message: INVALID, detail });
      expect(
        (await db.query(`SELECT 1 FROM api_keys WHERE user_id = $1 AND login_type = 'token'`, [user.userId])).rowCount,
      ).toBe(0);
    });

    it.each<[string, Record<string, unknown>, { field: string; detail: string }]>([
      [
        'a bad scope',
        { scope: 'everything' },
        { field: 'scope', detail: 'Validation failed for tag "oneof" with value: "everything"' },
      ],
      [
        'a 65-character name',
        { token_name: 'n'.repeat(65) },
        { field: 'token_name', detail: `Validation failed for tag "max" with value: "${'n'.repeat(65)}"` },
      ],
    ])('rejects %s with 400 Validation failed', async (_name, body, validation) => {
      const user = await createUser(t, owner);
      const res = await post(user, body).expect(400);
      expect(res.body).toEqual({ message: 'Validation failed.', validations: [validation] });
    });

    it('ignores unknown fields, as Coder does', async () => {
      const user = await createUser(t, owner);
      const res = await post(user, { token_name: 'ignored-extra', expires: 'never' }).expect(201);
      expect(res.body).not.toHaveProperty('expires');
    });

    it('answers 409 for a name the user already has, but not for another user', async () => {
      const user = await createUser(t, owner);
      const other = await createUser(t, owner);
      await post(user, { token_name: 'x' }).expect(201);
      const res = await post(user, { token_name: 'x' }).expect(409);
      expect(res.body).toEqual({
        message: 'A token with name "x" already exists.',
        validations: [{ field: 'name', detail: 'This value is already in use and should be unique.' }],
      });
      await post(other, { token_name: 'x' }).expect(201);
    });

    it('lets an owner create a token for another user', async () => {
      const user = await createUser(t, owner);
      const res = await post(owner, { token_name: 'for-you' }, user.username).expect(201);
      expect((await me(res.body.key).expect(200)).body.id).toBe(user.userId);
      expect((await row(res.body.key)).user_id).toBe(user.userId);
    });

    it('answers 404 to a member creating a token for someone else, visible or not', async () => {
      const member = await createUser(t, owner);
      const coMember = await createUser(t, owner);
      const orgId = await createOrg(t, owner);
      const outsider = await createUser(t, owner, { orgId });
      for (const target of [coMember, outsider, owner]) {
        const res = await post(member, { token_name: unique('steal') }, target.userId).expect(404);
        expect(res.body).toEqual(NOT_FOUND);
        const keys = await db.query(`SELECT 1 FROM api_keys WHERE user_id = $1 AND login_type = 'token'`, [
          target.userId,
        ]);
        expect(keys.rowCount).toBe(0);
      }
    });
  });

  describe('reading tokens', () => {
    let a: Session;
    let b: Session;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      a = await createUser(t, owner);
      b = await createUser(t, owner);
      tokens.a1 = await createToken(t, a, { token_name: 'a-one' });
      tokens.a2 = await createToken(t, a, { token_name: 'a-two', lifetime: 2 * HOUR_NS });
      tokens.b1 = await createToken(t, b, { token_name: 'b-one' });
    });

    const list = (s: Session, user = 'me', query: Record<string, string> = {}) =>
      t.http.get(`/api/v2/users/${user}/keys/tokens`).query(query).set(auth(s.token));

    it('lists only your own tokens (not sessions), with your username', async () => {
      const res = await list(a).expect(200);
      expect(res.body).toEqual([
        { ...keyBody(a, tokens.a1, 'a-one', 2592000), username: a.username },
        { ...keyBody(a, tokens.a2, 'a-two', 7200), username: a.username },
      ]);
      const fresh = await createUser(t, owner);
      expect((await list(fresh).expect(200)).body).toEqual([]);
    });

    it("lets an owner see everyone's tokens with include_all, a member only its own", async () => {
      const ids = (body: { id: string }[]) => body.map((k) => k.id);
      const all = await list(owner, 'me', { include_all: 'true' }).expect(200);
      expect(ids(all.body)).toEqual(expect.arrayContaining([tokens.a1, tokens.a2, tokens.b1].map(idOf)));
      const bEntry = all.body.find((k: { id: string }) => k.id === idOf(tokens.b1));
      expect(bEntry).toEqual({ ...keyBody(b, tokens.b1, 'b-one', 2592000), username: b.username });
      const mine = await list(owner).expect(200);
      expect(mine.body).toEqual([]);
      const ofA = await list(owner, a.username).expect(200);
      expect(ids(ofA.body)).toEqual([tokens.a1, tokens.a2].map(idOf));
      const memberAll = await list(a, 'me', { include_all: 'true' }).expect(200);
      expect(ids(memberAll.body)).toEqual([tokens.a1, tokens.a2].map(idOf));
    });

    it('rejects a bad include_all', async () => {
      const res = await list(a, 'me', { include_all: 'maybe' }).expect(400);
      expect(res.body).toEqual({
        message: 'Query parameters have invalid values.',
        validations: [{ field: 'include_all', detail: 'Query param "include_all" must be a valid boolean' }],
      });
    });

    it("answers 404 to a member listing another user's tokens", async () => {
      const orgId = await createOrg(t, owner);
      const outsider = await createUser(t, owner, { orgId });
      for (const [caller, target] of [
        [a, b],
        [outsider, a],
        [a, outsider],
      ] as const) {
        const res = await list(caller, target.userId).expect(404);
        expect(res.body).toEqual(NOT_FOUND);
      }
    });

    it("gets a token by name, and 404 for an unknown name or another user's", async () => {
      const res = await t.http.get('/api/v2/users/me/keys/tokens/a-two').set(auth(a.token)).expect(200);
      expect(res.body).toEqual(keyBody(a, tokens.a2, 'a-two', 7200));
      for (const [s, path] of [
        [a, 'me/keys/tokens/nope'],
        [a, 'me/keys/tokens/b-one'],
        [a, `${b.userId}/keys/tokens/b-one`],
      ] as const) {
        expect((await t.http.get(`/api/v2/users/${path}`).set(auth(s.token)).expect(404)).body).toEqual(NOT_FOUND);
      }
      const byOwner = await t.http
        .get(`/api/v2/users/${b.username}/keys/tokens/b-one`)
        .set(auth(owner.token))
        .expect(200);
      expect(byOwner.body).toEqual(keyBody(b, tokens.b1, 'b-one', 2592000));
    });

    it("gets a key by id only under its owner's path", async () => {
      const own = await t.http
        .get(`/api/v2/users/me/keys/${idOf(tokens.a1)}`)
        .set(auth(a.token))
        .expect(200);
      expect(own.body).toEqual(keyBody(a, tokens.a1, 'a-one', 2592000));
      const session = await t.http
        .get(`/api/v2/users/me/keys/${idOf(a.token)}`)
        .set(auth(a.token))
        .expect(200);
      expect(session.body).toEqual(keyBody(a, a.token, '', 86400, 'password'));
      const cases: [Session, string][] = [
        [a, `me/keys/${idOf(tokens.b1)}`],
        [a, `${b.userId}/keys/${idOf(tokens.b1)}`],
        [a, 'me/keys/ZZZZZZZZZZ'],
        [owner, `${a.userId}/keys/${idOf(tokens.b1)}`],
      ];
      for (const [s, path] of cases) {
        expect((await t.http.get(`/api/v2/users/${path}`).set(auth(s.token)).expect(404)).body).toEqual(NOT_FOUND);
      }
      await t.http
        .get(`/api/v2/users/${b.userId}/keys/${idOf(tokens.b1)}`)
        .set(auth(owner.token))
        .expect(200);
    });

    it('tells the token configuration in nanoseconds', async () => {
      const res = await t.http.get('/api/v2/users/me/keys/tokens/tokenconfig').set(auth(a.token)).expect(200);
      expect(res.body).toEqual({ max_token_lifetime: 720 * HOUR_NS });
      const other = await t.http
        .get(`/api/v2/users/${b.userId}/keys/tokens/tokenconfig`)
        .set(auth(a.token))
        .expect(404);
      expect(other.body).toEqual(NOT_FOUND);
    });
  });

  describe('DELETE /users/{user}/keys/{keyid}', () => {
    it('revokes a token: 204, then the token is 401 and a second delete 404', async () => {
      const user = await createUser(t, owner);
      const token = await createToken(t, user, { token_name: 'doomed' });
      const res = await t.http
        .delete(`/api/v2/users/me/keys/${idOf(token)}`)
        .set(auth(user.token))
        .expect(204);
      expect(res.text).toBe('');
      expect(await row(token)).toBeUndefined();
      expect((await me(token).expect(401)).body).toEqual(INVALID_KEY);
      const again = await t.http
        .delete(`/api/v2/users/me/keys/${idOf(token)}`)
        .set(auth(user.token))
        .expect(404);
      expect(again.body).toEqual(NOT_FOUND);
      await me(user.token).expect(200);
    });

    it("does not let a member delete another user's key; an owner may", async () => {
      const member = await createUser(t, owner);
      const victim = await createUser(t, owner);
      const token = await createToken(t, victim, { token_name: 'precious' });
      for (const path of [`${victim.userId}/keys/${idOf(token)}`, `me/keys/${idOf(token)}`]) {
        const res = await t.http.delete(`/api/v2/users/${path}`).set(auth(member.token)).expect(404);
        expect(res.body).toEqual(NOT_FOUND);
      }
      await me(token).expect(200);
      await t.http
        .delete(`/api/v2/users/${victim.username}/keys/${idOf(token)}`)
        .set(auth(owner.token))
        .expect(204);
      expect((await me(token).expect(401)).body).toEqual(INVALID_KEY);
    });

    it('can revoke the session in use', async () => {
      const user = await createUser(t, owner);
      await t.http
        .delete(`/api/v2/users/me/keys/${idOf(user.token)}`)
        .set(auth(user.token))
        .expect(204);
      expect((await me(user.token).expect(401)).body).toEqual(INVALID_KEY);
    });
  });

  describe('POST /users/{user}/keys', () => {
    it('creates a 7-day session key without setting a cookie; it is not listed as a token', async () => {
      const user = await createUser(t, owner);
      const start = Date.now();
      const res = await t.http.post('/api/v2/users/me/keys').set(auth(user.token)).expect(201);
      expect(res.body).toEqual({ key: expect.stringMatching(TOKEN_RE) });
      expect(res.headers['set-cookie']).toBeUndefined();
      const stored = await row(res.body.key);
      expect(stored).toEqual(
        expect.objectContaining({
          user_id: user.userId,
          login_type: 'password',
          token_name: '',
          lifetime_seconds: '604800',
        }),
      );
      expect(stored.expires_at.getTime()).toBeGreaterThanOrEqual(start + 7 * DAY_MS);
      expect(stored.expires_at.getTime()).toBeLessThanOrEqual(Date.now() + 7 * DAY_MS);
      expect((await me(res.body.key).expect(200)).body.id).toBe(user.userId);
      expect((await t.http.get('/api/v2/users/me/keys/tokens').set(auth(user.token)).expect(200)).body).toEqual([]);
    });

    it('lets an owner create one for another user, not a member', async () => {
      const user = await createUser(t, owner);
      const member = await createUser(t, owner);
      const res = await t.http.post(`/api/v2/users/${user.userId}/keys`).set(auth(owner.token)).expect(201);
      expect((await me(res.body.key).expect(200)).body.id).toBe(user.userId);
      const denied = await t.http.post(`/api/v2/users/${user.userId}/keys`).set(auth(member.token)).expect(404);
      expect(denied.body).toEqual(NOT_FOUND);
      const unauthenticated = await t.http.post(`/api/v2/users/${user.userId}/keys`).expect(401);
      expect(unauthenticated.body).toEqual(
        signedOut('Cookie "coder_session_token" or query parameter must be provided.'),
      );
    });
  });
});
