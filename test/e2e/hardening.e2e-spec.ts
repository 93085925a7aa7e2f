import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { connectDaemon, servePath } from '../helpers/daemon-client.js';
import { createTestDatabase } from '../helpers/database.js';
import { addLicense } from '../helpers/licenses.js';
import { rawRequest } from '../helpers/raw-request.js';
import { SCIM_ERROR, SCIM_KEY, SCIM_USER } from '../helpers/scim.js';
import { startServerProcess, waitForStatus, type ServerProcess } from '../helpers/server-process.js';
import { auth, createOrg, createUser, PASSWORD, type Owner } from '../helpers/world.js';
import type pg from 'pg';

const PSK = 'hardening-psk-0123456789';
const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const TOO_COMPLEX = 'Request body is nested too deeply or holds too many elements.';

/** Issue 12's findings, each reproduced as the attack and answered as it must be. */
describe('hardening', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({
      env: { CODER_SCIM_AUTH_HEADER: SCIM_KEY, CODER_PROVISIONER_DAEMON_PSK: PSK, CODER_PROVISIONER_DAEMONS: '0' },
    }));
    await addLicense(t, owner, ['scim', 'template_rbac', 'external_provisioner_daemons']);
  });
  afterAll(() => closeWorld(t, db));

  describe('deeply nested and oversized JSON', () => {
    const deep = `{"email":${nested(100_000)},"password":"x"}`;

    it.each(['/api/v2/users/login', '/api/v2/users/first'])(
      'POST %s with 100,000 levels: 400 in the envelope, nothing parsed',
      async (path) => {
        const res = await rawRequest(t.baseUrl, {
          method: 'POST',
          path,
          headers: { 'Content-Type': 'application/json' },
          body: deep,
        });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          message: TOO_COMPLEX,
          detail: 'The request body nests objects and arrays more than 32 levels deep.',
        });
      },
    );

    it('an authenticated route answers the same, and 32 levels are still read (as the wrong type they are)', async () => {
      const path = `/api/v2/organizations/${owner.orgId}/groups`;
      const tooDeep = await t.http
        .post(path)
        .set(auth(owner.token))
        .set('Content-Type', 'application/json')
        .send(`{"name":${nested(33)}}`)
        .expect(400);
      expect(tooDeep.body.message).toBe(TOO_COMPLEX);
      const deepEnough = await t.http
        .post(path)
        .set(auth(owner.token))
        .set('Content-Type', 'application/json')
        .send(`{"name":${nested(31)}}`)
        .expect(400);
      expect(deepEnough.body.message).toBe('Validation failed.');
    });

    it('more than 100,000 keys and items: 400', async () => {
      const body = `{"add_users":[${new Array(100_001).fill('0').join(',')}]}`;
      const res = await t.http
        .patch('/api/v2/groups/00000000-0000-0000-0000-000000000001')
        .set(auth(owner.token))
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(400);
      expect(res.body.detail).toBe('The request body holds more than 100000 object keys and array items.');
    });

    it('on SCIM, a SCIM error (after the key is checked)', async () => {
      const send = (key: string) =>
        rawRequest(t.baseUrl, {
          method: 'POST',
          path: '/scim/v2/Users',
          headers: { 'Content-Type': 'application/scim+json', Authorization: key },
          body: `{"schemas":["${SCIM_USER}"],"userName":${nested(1000)}}`,
          localAddress: '127.0.0.21',
        });
      const res = await send(`Bearer ${SCIM_KEY}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ schemas: [SCIM_ERROR], status: '400' });
      expect((await send('Bearer wrong')).status).toBe(401);
    });

    it('a group member list of 10,000 ids is accepted', async () => {
      await db.query(
        `INSERT INTO users (id, email, username, hashed_password, rbac_roles, login_type)
         SELECT gen_random_uuid(), 'many' || i || '@example.com', 'many' || i, NULL, '{}', 'none' FROM generate_series(1, 10000) i`,
      );
      await db.query(
        `INSERT INTO organization_members (organization_id, user_id) SELECT $1, id FROM users WHERE username LIKE 'many%'`,
        [owner.orgId],
      );
      const ids = (await db.query<{ id: string }>(`SELECT id FROM users WHERE username LIKE 'many%'`)).rows.map(
        (r) => r.id,
      );
      const group = await t.http
        .post(`/api/v2/organizations/${owner.orgId}/groups`)
        .set(auth(owner.token))
        .send({ name: 'many' })
        .expect(201);
      const res = await t.http
        .patch(`/api/v2/groups/${group.body.id}`)
        .set(auth(owner.token))
        .send({ add_users: ids })
        .expect(200);
      expect(res.body.members).toHaveLength(10_000);
    });
  });

  describe('null in optional fields means absent (as Go decodes it), never a database error', () => {
    it('PATCH /groups/{id} {"quota_allowance": null} keeps the allowance', async () => {
      const group = await t.http
        .post(`/api/v2/organizations/${owner.orgId}/groups`)
        .set(auth(owner.token))
        .send({ name: 'nulls', quota_allowance: 7 })
        .expect(201);
      const res = await t.http
        .patch(`/api/v2/groups/${group.body.id}`)
        .set(auth(owner.token))
        .send({
          quota_allowance: null,
          display_name: null,
          name: null,
          avatar_url: null,
          add_users: null,
          remove_users: null,
        })
        .expect(200);
      expect(res.body).toMatchObject({ name: 'nulls', quota_allowance: 7 });
    });
  });

  describe('text no encoding can carry (lone surrogates) is replaced by U+FFFD, as Go decodes it', () => {
    it('login with such an email is a validation 400 (not a 500), and an audited PATCH stores the replacement', async () => {
      await t.http.post('/api/v2/users/login').send({ email: 'a\ud800@example.com', password: 'x' }).expect(400);
      const group = await t.http
        .post(`/api/v2/organizations/${owner.orgId}/groups`)
        .set(auth(owner.token))
        .send({ name: 'surrogates' })
        .expect(201);
      const res = await t.http
        .patch(`/api/v2/groups/${group.body.id}`)
        .set(auth(owner.token))
        .send({ display_name: 'x\udc00y' })
        .expect(200);
      expect(res.body.display_name).toBe('x\ufffdy');
    });
  });

  describe("a user's organizations are shown only where the caller can see them", () => {
    it("a member of one organization does not learn of the owner's other organization", async () => {
      const other = await createOrg(t, owner);
      const member = await createUser(t, owner);
      const listed = await t.http.get('/api/v2/users').set(auth(member.token)).expect(200);
      const ownerSeen = listed.body.users.find((u: { id: string }) => u.id === owner.userId);
      expect(ownerSeen.organization_ids).toEqual([owner.orgId]);
      expect(
        (await t.http.get(`/api/v2/users/${owner.userId}`).set(auth(member.token)).expect(200)).body.organization_ids,
      ).toEqual([owner.orgId]);
      const own = await t.http.get(`/api/v2/users/${owner.userId}`).set(auth(owner.token)).expect(200);
      expect([...own.body.organization_ids].sort()).toEqual([owner.orgId, other].sort());
    });
  });

  describe('routing is case-sensitive and strict', () => {
    it.each([
      ['GET', '/API/v2/buildinfo', 404],
      ['GET', '/api/v2/BuildInfo', 404],
      ['GET', '/api/v2/buildinfo/', 404],
      ['GET', '/api/v2/users/me/', 404],
      ['GET', '/SCIM/v2/Users', 404],
    ])('%s %s → %i in the envelope', async (method, path, status) => {
      const res = await rawRequest(t.baseUrl, { method, path, headers: auth(owner.token) });
      expect(res.status).toBe(status);
      expect(res.body).toHaveProperty('message');
    });

    it('under the SCIM mount, a wrong-case path is a SCIM 404', async () => {
      const res = await rawRequest(t.baseUrl, {
        method: 'GET',
        path: '/scim/v2/users',
        headers: { Authorization: `Bearer ${SCIM_KEY}` },
      });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ schemas: [SCIM_ERROR], status: '404' });
    });
  });

  describe('failed-attempt limits outside the API rate limiter', () => {
    it('SCIM: 20 wrong keys from an address are 401, then 429 (a SCIM error with Retry-After); the right key still works there', async () => {
      const send = (key: string, localAddress = '127.0.0.22') =>
        rawRequest(t.baseUrl, { method: 'GET', path: '/scim/v2/Users', headers: { Authorization: key }, localAddress });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await send(`Bearer wrong-${i}`)).status);
      expect(statuses).toEqual(Array(20).fill(401));
      const limited = await send('Bearer wrong-again');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.body).toEqual({
        schemas: [SCIM_ERROR],
        status: '429',
        detail: expect.stringMatching(
          /^Too many failed authentication attempts from your address\. Try again in \d+ seconds\.$/,
        ),
      });
      expect((await send(`Bearer ${SCIM_KEY}`)).status).toBe(200);
      expect((await send('Bearer wrong', '127.0.0.23')).status).toBe(401);
    });

    it('provisioner daemon upgrade: 20 wrong PSKs are 401, then 429 before any upgrade; the right PSK still connects', async () => {
      const path = servePath(owner.orgId, 'provisioner=echo');
      const upgrade = (psk: string, localAddress = '127.0.0.24') =>
        rawRequest(t.baseUrl, {
          method: 'GET',
          path,
          headers: {
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
            'Coder-Provisioner-Daemon-PSK': psk,
          },
          localAddress,
        });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await upgrade(`wrong-${i}`)).status);
      expect(statuses).toEqual(Array(20).fill(401));
      const limited = await upgrade('wrong-again');
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBeDefined();
      expect(limited.body).toEqual({ message: expect.stringMatching(/^Too many failed authentication attempts/) });
      // Wrong session tokens on the same route count too.
      const badSession = await rawRequest(t.baseUrl, {
        method: 'GET',
        path,
        headers: { 'Coder-Session-Token': 'abcdefghij-012345678901234567890123' },
        localAddress: '127.0.0.24',
      });
      expect(badSession.status).toBe(429);
      const daemon = await connectDaemon(
        t.baseUrl,
        path,
        { 'Coder-Provisioner-Daemon-PSK': PSK },
        { localAddress: '127.0.0.24' },
      );
      await daemon.close();
      expect((await upgrade('wrong', '127.0.0.25')).status).toBe(401);
    });

    it('log-following upgrades: 20 wrong session tokens are 401, then 429', async () => {
      const upgrade = (token: string) =>
        rawRequest(t.baseUrl, {
          method: 'GET',
          path: '/api/v2/templateversions/00000000-0000-4000-8000-000000000000/logs?follow',
          headers: {
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
            'Coder-Session-Token': token,
          },
          localAddress: '127.0.0.26',
        });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await upgrade(`abcdefghij-${String(i).padStart(22, '0')}`)).status);
      expect(statuses).toEqual(Array(20).fill(401));
      expect((await upgrade('abcdefghij-0123456789012345678901')).status).toBe(429);
      // The owner's token still gets through (to the 404 of the unknown version).
      expect((await upgrade(owner.token)).status).toBe(404);
    });
  });
});

describe('secrets in the request log (server process, debug level: where requests are logged)', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({
      CODER_PG_CONNECTION_URL: await createTestDatabase(),
      CODER_LOG_LEVEL: 'debug',
    });
    await waitForStatus(`${server.baseUrl}/healthz`, 200);
  }, 60_000);
  afterAll(() => server?.stop());

  it('never logs a session token, however the query parameter is spelled', async () => {
    const json = { 'Content-Type': 'application/json' };
    const user = { email: 'logs@example.com', username: 'logs', password: PASSWORD };
    await fetch(`${server.baseUrl}/api/v2/users/first`, { method: 'POST', headers: json, body: JSON.stringify(user) });
    const login = await fetch(`${server.baseUrl}/api/v2/users/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: user.email, password: PASSWORD }),
    });
    const token = ((await login.json()) as { session_token: string }).session_token;
    const spellings = [
      `coder_session_token=${token}`,
      `coder%5Fsession%5Ftoken=${token}`,
      `coder%5fsession%5ftoken=${encodeURIComponent(token)}`,
      `coder_session_token[]=${token}`,
      `coder_session_token%5B%5D=${token}`,
      `coder_session_token[0]=${token}`,
      `CODER_SESSION_TOKEN=${token}`,
      `x=1&coder_session_token=${token}&y=2`,
    ];
    const statuses: number[] = [];
    for (const query of spellings) statuses.push((await fetch(`${server.baseUrl}/api/v2/users/me?${query}`)).status);
    // The plain and percent-encoded names authenticate (the query parser decodes them).
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    await new Promise((r) => setTimeout(r, 300));
    const output = server.output();
    expect(output).toContain('/api/v2/users/me?');
    const secret = token.split('-')[1];
    expect(output).not.toContain(secret);
    expect(output).not.toContain(token.split('-')[0]);
  });
});
