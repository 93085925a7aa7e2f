import type pg from 'pg';
import { closeWorld, openWorld, startTestApp, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND, SIGNED_OUT } from '../helpers/expectations.js';
import { rawRequest } from '../helpers/raw-request.js';
import { auth, createUser, PASSWORD, setupOwner, unique, type Owner, type Session } from '../helpers/world.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ACCESS_URL = 'http://coder.example.test';

/** The request pipeline every route shares: routing misses, bodies, headers, order of checks, ops endpoints. */
describe('HTTP pipeline', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;

  beforeAll(async () => {
    // Rate limiting on (the API budget is out of reach) so the login limiter is active.
    ({ t, db, owner } = await openWorld({ env: { CODER_API_RATE_LIMIT: '100000', CODER_ACCESS_URL: ACCESS_URL } }));
    member = await createUser(t, owner);
  });
  afterAll(() => closeWorld(t, db));

  describe('routing misses', () => {
    it.each([
      ['GET', '/api/v2/nope'],
      ['GET', '/api/v2/organizations/3f0c5a4e-8a6b-4c1d-9e2f-0123456789ab/nope'],
      ['POST', '/api/v2/users/me/keys/tokens/x/y'],
      ['GET', '/api/v3/users'],
      ['GET', '/'],
    ])('%s %s is 404 Route not found., with or without a session', async (method, path) => {
      for (const headers of [{}, auth(owner.token)]) {
        const res = await rawRequest(t.baseUrl, { method, path, headers });
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.body).toEqual({ message: 'Route not found.' });
      }
    });

    it.each([
      ['PATCH', '/api/v2/organizations', 'GET, HEAD, POST'],
      ['DELETE', '/api/v2/organizations?x=1', 'GET, HEAD, POST'],
      ['PUT', '/api/v2/organizations/3f0c5a4e-8a6b-4c1d-9e2f-0123456789ab', 'GET, HEAD'],
      ['POST', '/api/v2/buildinfo', 'GET, HEAD'],
      ['POST', '/healthz', 'GET, HEAD'],
    ])('%s %s is 405 Method not allowed. with Allow: %s', async (method, path, allow) => {
      const res = await rawRequest(t.baseUrl, { method, path, headers: auth(owner.token) });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe(allow);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ message: 'Method not allowed.' });
    });
  });

  describe('request bodies', () => {
    it('answers 400 for malformed JSON, with the parser error as detail', async () => {
      const res = await t.http
        .post('/api/v2/organizations')
        .set(auth(owner.token))
        .set('Content-Type', 'application/json')
        .send('{"name":')
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ message: 'Request body must be valid JSON.', detail: 'Unexpected end of JSON input' });
    });

    it('checks authentication and permissions before complaining about malformed JSON', async () => {
      const anonymous = await t.http
        .post('/api/v2/organizations')
        .set('Content-Type', 'application/json')
        .send('{"name":');
      expect(anonymous.status).toBe(401);
      const member = await createUser(t, owner);
      const denied = await t.http
        .post('/api/v2/organizations')
        .set(auth(member.token))
        .set('Content-Type', 'application/json')
        .send('{"name":');
      expect(denied.status).toBe(403);
      // A route that reads no body ignores it, as Coder does.
      await t.http
        .get('/api/v2/users/me')
        .set(auth(owner.token))
        .set('Content-Type', 'application/json')
        .send('{"x":')
        .expect(200);
    });

    it('answers 400 for a JSON body that is not an object or array', async () => {
      const res = await t.http
        .post('/api/v2/organizations')
        .set(auth(owner.token))
        .set('Content-Type', 'application/json')
        .send('"acme"')
        .expect(400);
      expect(res.body).toEqual({ message: 'Request body must be valid JSON.', detail: expect.any(String) });
      expect(res.body.detail.length).toBeGreaterThan(0);
    });

    it('answers 413 in the envelope for a body over 1 MiB, and lets a body just under it through', async () => {
      const name = unique('big');
      const over = JSON.stringify({ name, description: 'y'.repeat(1024 * 1024) });
      const res = await t.http
        .post('/api/v2/organizations')
        .set(auth(owner.token))
        .set('Content-Type', 'application/json')
        .send(over);
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        message: 'Request body too large.',
        detail: 'The request body must be at most 1 MiB.',
      });
      // Just under the limit the body is read and validated (description is at most 128).
      const under = JSON.stringify({ name, description: 'y'.repeat(1024 * 1024 - 100) });
      expect(Buffer.byteLength(under)).toBeLessThan(1024 * 1024);
      const ok = await t.http
        .post('/api/v2/organizations')
        .set(auth(owner.token))
        .set('Content-Type', 'application/json')
        .send(under);
      expect(ok.status).toBe(400);
      expect(ok.body.validations).toEqual([
        { field: 'description', detail: expect.stringContaining('Validation failed for tag "max"') },
      ]);
      expect((await db.query('SELECT 1 FROM organizations WHERE name = $1', [name])).rowCount).toBe(0);
    });

    it('parses JSON sent without a Content-Type (like Coder, which always decodes JSON)', async () => {
      const name = unique('notype');
      const res = await rawRequest(t.baseUrl, {
        method: 'POST',
        path: '/api/v2/organizations',
        headers: auth(owner.token),
        body: JSON.stringify({ name }),
      });
      expect(res.requestHeaders['content-type']).toBeUndefined();
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name });
    });

    it('reports one validation per failing field, named by its JSON property, and ignores unknown fields', async () => {
      const res = await t.http
        .post('/api/v2/users')
        .set(auth(owner.token))
        .send({
          email: 'not-an-email',
          username: 'bad name',
          organization_id: 'nope',
          login_type: 'magic',
          shoe_size: 44,
        })
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.message).toBe('Validation failed.');
      expect(Object.keys(res.body).sort()).toEqual(['message', 'validations']);
      const byField = Object.fromEntries(
        res.body.validations.map((v: { field: string; detail: string }) => [v.field, v.detail]),
      );
      expect(res.body.validations).toHaveLength(4);
      expect(byField).toEqual({
        email: 'Validation failed for tag "email" with value: "not-an-email"',
        username: 'Validation failed for tag "username" with value: "bad name"',
        organization_id: 'Validation failed for tag "uuid" with value: "nope"',
        login_type: 'Validation failed for tag "oneof" with value: "magic"',
      });
    });

    it('ignores unknown fields (never stored), treats null as absent, and still rejects wrong types', async () => {
      const username = unique('extra');
      const created = await t.http
        .post('/api/v2/users')
        .set(auth(owner.token))
        .send({
          email: `${username}@example.com`,
          username,
          password: PASSWORD,
          id: owner.userId,
          rbac_roles: ['owner'],
          deleted: true,
          login_type: null,
          shoe_size: 44,
        })
        .expect(201);
      expect(created.body.id).not.toBe(owner.userId);
      expect(created.body.roles).toEqual([]);
      expect(created.body.status).toBe('active');
      expect(created.body.login_type).toBe('password');
      expect(created.body).not.toHaveProperty('shoe_size');
      const missing = await t.http
        .post('/api/v2/users')
        .set(auth(owner.token))
        .send({ email: null, username: unique('x'), password: PASSWORD })
        .expect(400);
      expect(missing.body.validations).toEqual([
        { field: 'email', detail: 'Validation failed for tag "required" with value: ""' },
      ]);
      const wrong = await t.http
        .post('/api/v2/users')
        .set(auth(owner.token))
        .send({ email: 5, username: unique('x'), password: PASSWORD })
        .expect(400);
      expect(wrong.body.validations.map((v: { field: string }) => v.field)).toEqual(['email']);
    });

    it('gives a field that breaks several rules a single validation', async () => {
      const res = await t.http
        .post('/api/v2/organizations')
        .set(auth(owner.token))
        .send({ name: unique('multi'), description: 12345 })
        .expect(400);
      expect(res.body).toEqual({
        message: 'Validation failed.',
        validations: [{ field: 'description', detail: expect.any(String) }],
      });
    });

    it('answers 400, not 500, for text PostgreSQL cannot store (NUL), and stores nothing', async () => {
      const name = unique('nul');
      const body = await t.http
        .post('/api/v2/organizations')
        .set(auth(owner.token))
        .send({ name, description: 'a\u0000b' })
        .expect(400);
      const expected = {
        message: 'Request contains text that cannot be stored.',
        detail: 'Text values must not contain NUL (\\u0000) characters.',
      };
      expect(body.body).toEqual(expected);
      expect((await db.query('SELECT 1 FROM organizations WHERE name = $1', [name])).rowCount).toBe(0);
      const param = await t.http.get('/api/v2/users/a%00b').set(auth(owner.token)).expect(400);
      expect(param.body).toEqual(expected);
    });
  });

  describe('response headers', () => {
    it("every response carries a request id, the build version and helmet's headers; every error is JSON", async () => {
      const version = (await t.http.get('/api/v2/buildinfo').expect(200)).body.version as string;
      const cases: [string, () => Promise<{ status: number; headers: Record<string, unknown> }>][] = [
        ['200', () => t.http.get('/api/v2/users/me').set(auth(member.token))],
        ['401', () => t.http.get('/api/v2/users/me')],
        [
          '403',
          () =>
            t.http
              .post('/api/v2/organizations')
              .set(auth(member.token))
              .send({ name: unique('x') }),
        ],
        [
          '404 resource',
          () =>
            t.http
              .get(`/api/v2/organizations/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`)
              .set(auth(member.token)),
        ],
        ['404 route', () => t.http.get('/api/v2/definitely-not-here')],
        ['405', () => t.http.patch('/api/v2/organizations')],
        ['400', () => t.http.post('/api/v2/organizations').set(auth(owner.token)).send({})],
        ['healthz', () => t.http.get('/healthz')],
        // Not served on the API port (the Prometheus listener has its own): the envelope's 404.
        ['404 /metrics', () => t.http.get('/metrics')],
      ];
      const ids = new Set<string>();
      for (const [label, send] of cases) {
        const res = await send();
        const h = res.headers as Record<string, string>;
        expect({ label, id: h['x-coder-request-id'] }).toEqual({ label, id: expect.stringMatching(UUID_RE) });
        ids.add(h['x-coder-request-id']);
        expect({ label, version: h['x-coder-build-version'] }).toEqual({ label, version });
        expect({ label, nosniff: h['x-content-type-options'], frame: h['x-frame-options'] }).toEqual({
          label,
          nosniff: 'nosniff',
          frame: 'SAMEORIGIN',
        });
        expect({ label, poweredBy: h['x-powered-by'] }).toEqual({ label, poweredBy: undefined });
        // No generated ETag (Coder sends none; Express would hash every body for one).
        expect({ label, etag: h.etag }).toEqual({ label, etag: undefined });
        if (res.status >= 400) {
          expect({ label, type: h['content-type'] }).toEqual({ label, type: 'application/json; charset=utf-8' });
        }
      }
      expect(ids.size).toBe(cases.length);
    });
  });

  describe('order of checks on a gated route', () => {
    const badBody = { name: 'not a valid name' };

    it('authentication first: 401 whatever the body', async () => {
      const res = await t.http.post('/api/v2/organizations').send(badBody).expect(401);
      expect(res.body).toEqual({
        message: SIGNED_OUT,
        detail: 'Cookie "coder_session_token" or query parameter must be provided.',
      });
      const badToken = await t.http.post('/api/v2/organizations').set(auth('garbage')).send(badBody).expect(401);
      expect(badToken.body.message).toBe(SIGNED_OUT);
    });

    it('then RBAC: a member gets 403 before its body is validated', async () => {
      const res = await t.http.post('/api/v2/organizations').set(auth(member.token)).send(badBody).expect(403);
      expect(res.body).toEqual(FORBIDDEN);
    });

    it('then validation: an owner gets 400', async () => {
      const res = await t.http.post('/api/v2/organizations').set(auth(owner.token)).send(badBody).expect(400);
      expect(res.body).toEqual({
        message: 'Validation failed.',
        validations: [{ field: 'name', detail: 'Validation failed for tag "username" with value: "not a valid name"' }],
      });
    });

    it('on an organization route: outsiders 404, members 403, admins 400', async () => {
      const org = (
        await t.http
          .post('/api/v2/organizations')
          .set(auth(owner.token))
          .send({ name: unique('gate') })
          .expect(201)
      ).body;
      const path = `/api/v2/organizations/${org.id}/members/${member.userId}/roles`;
      const outsider = await t.http.put(path).set(auth(member.token)).send({ roles: 'nope' }).expect(404);
      expect(outsider.body).toEqual(NOT_FOUND);
      await t.http.post(`/api/v2/organizations/${org.id}/members/${member.userId}`).set(auth(owner.token)).expect(200);
      const plain = await t.http.put(path).set(auth(member.token)).send({ roles: 'nope' }).expect(403);
      expect(plain.body).toEqual(FORBIDDEN);
      const admin = await t.http.put(path).set(auth(owner.token)).send({ roles: 'nope' }).expect(400);
      expect(admin.body.message).toBe('Validation failed.');
    });
  });

  describe('login rate limit', () => {
    it('allows 60 login attempts a minute per address; the 61st is 429, other addresses are unaffected', async () => {
      const attempt = (password: string, localAddress: string, headers: Record<string, string> = {}) =>
        rawRequest(t.baseUrl, {
          method: 'POST',
          path: '/api/v2/users/login',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: JSON.stringify({ email: owner.email, password }),
          localAddress,
        });
      const statuses: number[] = [];
      for (let batch = 0; batch < 6; batch += 1) {
        const results = await Promise.all(Array.from({ length: 10 }, () => attempt('wrong-password', '127.0.0.2')));
        statuses.push(...results.map((r) => r.status));
      }
      expect(statuses).toEqual(Array(60).fill(401));
      const limited = await attempt(PASSWORD, '127.0.0.2');
      expect(limited.status).toBe(429);
      expect(limited.headers['content-type']).toMatch(/^application\/json/);
      expect(limited.body).toEqual({ message: "You've been rate limited for sending more than 60 requests in 1m0s." });
      // An owner's session and the bypass header do not lift the login limit (as in Coder).
      const bypass = await attempt(PASSWORD, '127.0.0.2', { ...auth(owner.token), 'X-Coder-Bypass-Ratelimit': 'true' });
      expect(bypass.status).toBe(429);
      const elsewhere = await attempt(PASSWORD, '127.0.0.3');
      expect(elsewhere.status).toBe(201);
    });

    it("cannot be sidestepped by spelling the path differently: routing is case-sensitive and strict, as Coder's", async () => {
      const attempt = (path: string) =>
        rawRequest(t.baseUrl, {
          method: 'POST',
          path,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ email: owner.email, password: PASSWORD }),
          localAddress: '127.0.0.4',
        });
      for (let i = 0; i < 60; i += 1) expect((await attempt('/api/v2/users/login')).status).toBe(201);
      expect((await attempt('/api/v2/users/login')).status).toBe(429);
      const variants: Record<string, number> = {
        '/API/v2/users/login': 404,
        '/api/V2/users/login': 404,
        '/api/v2/users/LOGIN': 405, // `/users/{user}` exists, for GET only
        '/api/v2/users/login/': 404,
        '/api/v2//users/login': 404,
        '/api/v2/users/%6cogin': 405,
      };
      for (const [path, status] of Object.entries(variants)) {
        const res = await attempt(path);
        expect({ path, status: res.status }).toEqual({ path, status });
        expect(res.body).toHaveProperty('message');
      }
    });
  });

  describe('API rate limit (a second app with CODER_API_RATE_LIMIT=5)', () => {
    const LIMITED = { message: "You've been rate limited for sending more than 5 requests in 1m0s." };
    const BYPASS = { 'X-Coder-Bypass-Ratelimit': 'true' };
    let rl: TestApp;
    let rlOwner: Owner;
    let alice: string;
    let bob: string;
    let carol: string;

    /** A user and an API token for it, made by the owner past the limiter. */
    async function userToken(): Promise<string> {
      const username = unique('rl');
      const user = await rl.http
        .post('/api/v2/users')
        .set({ ...auth(rlOwner.token), ...BYPASS })
        .send({ email: `${username}@example.com`, username, password: PASSWORD })
        .expect(201);
      const key = await rl.http
        .post(`/api/v2/users/${user.body.id}/keys/tokens`)
        .set({ ...auth(rlOwner.token), ...BYPASS })
        .send({})
        .expect(201);
      return key.body.key as string;
    }
    const me = (token: string, extra: Record<string, string> = {}) =>
      rl.http.get('/api/v2/users/me').set({ ...auth(token), ...extra });

    beforeAll(async () => {
      rl = await startTestApp({ env: { CODER_API_RATE_LIMIT: '5' } });
      rlOwner = await setupOwner(rl); // two anonymous requests from 127.0.0.1
      [alice, bob, carol] = [await userToken(), await userToken(), await userToken()];
    });
    afterAll(async () => {
      await rl?.close();
    });

    it('allows 5 requests a minute per user, then answers 429 with the X-Ratelimit headers', async () => {
      const before = Math.floor(Date.now() / 1000);
      for (let i = 1; i <= 5; i += 1) {
        const res = await me(alice).expect(200);
        expect(res.headers['x-ratelimit-limit']).toBe('5');
        expect(res.headers['x-ratelimit-remaining']).toBe(String(5 - i));
      }
      const res = await me(alice).expect(429);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual(LIMITED);
      expect(res.headers['x-ratelimit-limit']).toBe('5');
      expect(res.headers['x-ratelimit-remaining']).toBe('0');
      const reset = Number(res.headers['x-ratelimit-reset']);
      expect(reset).toBeGreaterThan(before);
      expect(reset).toBeLessThanOrEqual(before + 61);
      // Limited on every route, not only the one that used the budget up.
      const other = await rl.http.get('/api/v2/organizations').set(auth(alice)).expect(429);
      expect(other.body).toEqual(LIMITED);
    });

    it('gives every user a budget of its own', async () => {
      for (let i = 0; i < 5; i += 1) await me(bob).expect(200);
      await me(bob).expect(429);
      const res = await me(carol).expect(200);
      expect(res.headers['x-ratelimit-remaining']).toBe('4');
    });

    it('lets an owner bypass the limit with X-Coder-Bypass-Ratelimit: true; without it the owner is limited too', async () => {
      for (let i = 0; i < 8; i += 1) await me(rlOwner.token, BYPASS).expect(200);
      for (let i = 0; i < 5; i += 1) await me(rlOwner.token).expect(200);
      const res = await me(rlOwner.token).expect(429);
      expect(res.body).toEqual(LIMITED);
      await me(rlOwner.token, BYPASS).expect(200);
    });

    it('answers 428 to a non-owner that asks to bypass', async () => {
      const token = await userToken();
      const res = await me(token, BYPASS).expect(428);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ message: '"X-Coder-Bypass-Ratelimit" provided but user is not owner' });
      // The refused request did not use the budget.
      const ok = await me(token).expect(200);
      expect(ok.headers['x-ratelimit-remaining']).toBe('4');
    });

    it('limits anonymous callers per address (the bypass header means nothing without a session); /healthz is not limited', async () => {
      const get = (path: string, localAddress: string, headers: Record<string, string> = {}) =>
        rawRequest(rl.baseUrl, { method: 'GET', path, headers, localAddress });
      for (let i = 0; i < 5; i += 1) expect((await get('/api/v2/buildinfo', '127.0.0.5', BYPASS)).status).toBe(200);
      const limited = await get('/api/v2/buildinfo', '127.0.0.5', BYPASS);
      expect(limited.status).toBe(429);
      expect(limited.body).toEqual(LIMITED);
      expect((await get('/healthz', '127.0.0.5')).status).toBe(200);
      expect((await get('/api/v2/buildinfo', '127.0.0.6')).status).toBe(200);
    });

    it('refuses an anonymous caller past the limit before reading the body: 429, where a body read would have been 413', async () => {
      const post = (body: string) =>
        rawRequest(rl.baseUrl, {
          method: 'POST',
          path: '/api/v2/users/login',
          headers: { 'Content-Type': 'application/json' },
          body,
          localAddress: '127.0.0.7',
        });
      const deep = '{"email":' + '{"a":'.repeat(1000) + '1' + '}'.repeat(1000) + '}';
      for (let i = 0; i < 5; i += 1) expect((await post(deep)).status).toBe(400);
      const tooLarge = `{"email":"${'x'.repeat(1024 * 1024 + 1)}"}`;
      const limited = await post(tooLarge);
      expect(limited.status).toBe(429);
      expect(limited.body).toEqual(LIMITED);
      expect(
        (
          await rawRequest(rl.baseUrl, {
            method: 'POST',
            path: '/api/v2/users/login',
            headers: { 'Content-Type': 'application/json' },
            body: tooLarge,
            localAddress: '127.0.0.8',
          })
        ).status,
      ).toBe(413);
      // Signed-in callers are limited by user, not by the address they share with the flood.
      expect(
        (
          await rawRequest(rl.baseUrl, {
            method: 'GET',
            path: '/api/v2/users/me',
            headers: auth(carol),
            localAddress: '127.0.0.7',
          })
        ).status,
      ).toBe(200);
    });
  });
});
