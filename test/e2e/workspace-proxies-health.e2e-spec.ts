import { randomUUID } from 'node:crypto';
import { closeWorld, openWorld, type World } from '../helpers/app.js';
import { eventually, startFakeProxy, type FakeProxy } from '../helpers/ha.js';
import { addLicense, deleteLicense } from '../helpers/licenses.js';
import { auth, createUser } from '../helpers/world.js';

const GATE = { message: 'Workspace Proxy is an Enterprise feature. Contact sales!' };
const INVALID = 'Invalid external proxy token';

interface StatusJson {
  status: string;
  report: { errors: string[]; warnings: string[] };
  checked_at: string;
}

/** Registration, the external proxy API and the health poller, against fake proxies on loopback. */
describe('workspace proxy registration and health', () => {
  let w: World;
  let licenseId: number;
  const fakes: FakeProxy[] = [];

  const createProxy = async (name: string) => {
    const res = await w.t.http.post('/api/v2/workspaceproxies').set(auth(w.owner.token)).send({ name }).expect(201);
    return { id: res.body.id as string, token: res.body.proxy_token as string };
  };
  const me = (path: 'register' | 'deregister', token: string | undefined, body: unknown = {}) => {
    const req = w.t.http.post(`/api/v2/workspaceproxies/me/${path}`);
    if (token !== undefined) req.set('Coder-External-Proxy-Token', token);
    return req.send(body as object);
  };
  const proxyJson = async (id: string) =>
    (await w.t.http.get(`/api/v2/workspaceproxies/${id}`).set(auth(w.owner.token)).expect(200)).body as {
      status: StatusJson;
      healthy: boolean;
      path_app_url: string;
      wildcard_hostname: string;
      version: string;
      derp_enabled: boolean;
      derp_only: boolean;
    };
  /** Waits until the poller reports `status` for the proxy; returns the status object. */
  const statusBecomes = async (id: string, status: string, timeoutMs = 8000) =>
    (
      await eventually(async () => {
        const body = await proxyJson(id);
        return body.status.status === status ? body : undefined;
      }, timeoutMs)
    ).value;
  const fake = async (...args: Parameters<typeof startFakeProxy>) => {
    const f = await startFakeProxy(...args);
    fakes.push(f);
    return f;
  };

  beforeAll(async () => {
    w = await openWorld({ env: { CODER_PROXY_HEALTH_INTERVAL: '300ms' } });
    licenseId = (await addLicense(w.t, w.owner, ['workspace_proxy'])).id;
  });
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.close()));
    await closeWorld(w?.t, w?.db);
  });

  describe('authentication with Coder-External-Proxy-Token', () => {
    it('refuses a missing, malformed, unknown or wrong token with 401 (a session token is no substitute)', async () => {
      const { id, token } = await createProxy('auth-test');
      const wrongSecret = `${id}:${'0'.repeat(64)}`;
      const cases: [string | undefined, Record<string, string>][] = [
        [undefined, { message: 'Missing required external proxy token' }],
        ['', { message: 'Missing required external proxy token' }],
        ['garbage', { message: INVALID }],
        [`${id}:short`, { message: INVALID }],
        [`${id}:${'a'.repeat(64)}:x`, { message: INVALID }],
        [`${randomUUID()}:${'a'.repeat(64)}`, { message: INVALID, detail: 'Proxy not found.' }],
        [wrongSecret, { message: INVALID, detail: 'Invalid proxy token secret.' }],
      ];
      for (const [presented, body] of cases) {
        for (const path of ['register', 'deregister'] as const) {
          const res = await me(path, presented, { access_url: 'http://127.0.0.1:1' });
          expect({ presented, path, status: res.status, body: res.body }).toEqual({
            presented,
            path,
            status: 401,
            body,
          });
        }
      }
      const withSession = await w.t.http.post('/api/v2/workspaceproxies/me/register').set(auth(w.owner.token)).send({});
      expect(withSession.status).toBe(401);
      // The token itself appears in no answer.
      const bad = await me('register', `${id}:${token.split(':')[1].replace(/.$/, 'x')}`);
      expect(JSON.stringify(bad.body)).not.toContain(token.split(':')[1].slice(0, 40));
    });

    it('checks the entitlement after the token: 403 for a valid token without the license, 401 for an invalid one', async () => {
      const { id, token } = await createProxy('gate-test');
      await deleteLicense(w.t, w.owner, licenseId);
      try {
        expect((await me('register', token, { access_url: 'http://127.0.0.1:1' })).body).toEqual(GATE);
        expect((await me('register', `${id}:${'0'.repeat(64)}`)).status).toBe(401);
        expect((await me('register', undefined)).status).toBe(401);
      } finally {
        licenseId = (await addLicense(w.t, w.owner, ['workspace_proxy'])).id;
      }
    });
  });

  describe('POST /workspaceproxies/me/register', () => {
    it("validates what the proxy reports, with Coder's messages", async () => {
      const { token } = await createProxy('validate-test');
      const cases: [Record<string, unknown>, Record<string, unknown>][] = [
        [{}, { message: 'URL is invalid.', detail: 'scheme must be http or https' }],
        [{ access_url: 'ftp://x.example.com' }, { message: 'URL is invalid.', detail: 'scheme must be http or https' }],
        [
          { access_url: 'https://x.example.com/sub' },
          { message: 'URL is invalid.', detail: 'path must be empty or /' },
        ],
        [
          { access_url: 'https://x.example.com', wildcard_hostname: 'x.example.com' },
          {
            message: 'Wildcard URL is invalid.',
            detail: 'hostname pattern must contain exactly one asterisk: "x.example.com"',
          },
        ],
        [
          { access_url: 'https://x.example.com', replica_id: '00000000-0000-0000-0000-000000000000' },
          { message: 'Replica ID is invalid.' },
        ],
        [
          { access_url: 'https://x.example.com', derp_only: true },
          { message: 'DerpOnly cannot be true when DerpEnabled is false.' },
        ],
      ];
      for (const [body, expected] of cases) {
        const res = await me('register', token, body);
        expect({ body, status: res.status, answer: res.body }).toEqual({ body, status: 400, answer: expected });
      }
      // Unknown fields are ignored (Coder's httpapi.Read): the bad wildcard is still what fails.
      const unknown = await me('register', token, {
        access_url: 'https://x.example.com',
        wildcard_hostname: 'x.example.com',
        surprise: 1,
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toBe('Wildcard URL is invalid.');
    });

    it('stores the URLs and answers 201 with the keys, the DERP region and the sibling replicas', async () => {
      const proxy = await fake();
      const { id, token } = await createProxy('reg-test');
      const replicaA = randomUUID();
      const res = await me('register', token, {
        access_url: `${proxy.url}/`,
        wildcard_hostname: '*.reg.example.com',
        derp_enabled: true,
        derp_only: false,
        replica_id: replicaA,
        hostname: 'proxy-host-a',
        replica_relay_address: 'http://10.0.0.5:3001',
        version: 'v2.3.0',
      });
      expect(res.status).toBe(201);
      const regionId = (await w.db.query('SELECT region_id FROM workspace_proxies WHERE id = $1', [id])).rows[0]
        .region_id as number;
      expect(res.body).toEqual({
        app_security_key: expect.stringMatching(/^[0-9a-f]{192}$/),
        derp_mesh_key: expect.stringMatching(/^[0-9a-f]{64}$/),
        derp_region_id: 10_000 + regionId,
        derp_map: null,
        derp_force_websockets: false,
        sibling_replicas: [],
      });
      const body = await statusBecomes(id, 'ok');
      expect(body).toMatchObject({
        path_app_url: proxy.url,
        wildcard_hostname: '*.reg.example.com',
        version: 'v2.3.0',
        derp_enabled: true,
        healthy: true,
      });

      // A second replica of the same proxy learns about the first; keys are the deployment's, not per call.
      const replicaB = randomUUID();
      const second = await me('register', token, {
        access_url: proxy.url,
        derp_enabled: true,
        replica_id: replicaB,
        hostname: 'proxy-host-b',
      });
      expect(second.status).toBe(201);
      expect(second.body.app_security_key).toBe(res.body.app_security_key);
      expect(second.body.sibling_replicas).toEqual([
        {
          id: replicaA,
          hostname: 'proxy-host-a',
          created_at: expect.any(String),
          relay_address: 'http://10.0.0.5:3001',
          region_id: 10_000 + regionId,
          error: '',
          database_latency: 0,
        },
      ]);
      // Proxy replicas are not server replicas: /replicas lists only this server.
      const replicas = (await w.t.http.get('/api/v2/replicas').set(auth(w.owner.token)).expect(200)).body as {
        id: string;
      }[];
      expect(replicas.map((r) => r.id)).not.toEqual(expect.arrayContaining([replicaA]));
      expect(replicas).toHaveLength(1);

      // A proxy cannot take over a server replica's row or another proxy's replica.
      const serverReplica = replicas[0].id;
      expect((await me('register', token, { access_url: proxy.url, replica_id: serverReplica })).status).toBe(409);
      const other = await createProxy('reg-other');
      expect((await me('register', other.token, { access_url: proxy.url, replica_id: replicaA })).body).toEqual({
        message: `Replica ID ${replicaA} belongs to another replica.`,
      });

      // Deregistering one replica keeps the proxy registered while another is alive...
      await me('deregister', token, { replica_id: replicaA }).expect(204);
      expect((await proxyJson(id)).path_app_url).toBe(proxy.url);
      const stopped = await w.db.query('SELECT stopped_at FROM replicas WHERE id = $1', [replicaA]);
      expect(stopped.rows[0].stopped_at).toBeInstanceOf(Date);
      // ...a stopped replica cannot come back under the same id...
      expect((await me('register', token, { access_url: proxy.url, replica_id: replicaA })).status).toBe(409);
      // ...an unknown replica is 404, deregistering twice is harmless...
      expect((await me('deregister', token, { replica_id: randomUUID() })).status).toBe(404);
      await me('deregister', token, { replica_id: replicaA }).expect(204);
      // ...and when the last one goes, the proxy is unregistered.
      await me('deregister', token, { replica_id: replicaB }).expect(204);
      const after = await statusBecomes(id, 'unregistered');
      expect({
        path_app_url: after.path_app_url,
        wildcard_hostname: after.wildcard_hostname,
        healthy: after.healthy,
      }).toEqual({
        path_app_url: '',
        wildcard_hostname: '',
        healthy: false,
      });
    });

    it('an older proxy without replica ids registers and deregisters the proxy itself', async () => {
      const proxy = await fake();
      const { id, token } = await createProxy('old-proxy');
      await me('register', token, { access_url: proxy.url }).expect(201);
      await statusBecomes(id, 'ok');
      await me('deregister', token, {}).expect(204);
      await statusBecomes(id, 'unregistered');
    });
  });

  describe('health states from polling <url>/healthz-report', () => {
    let proxy: FakeProxy;
    let id: string;

    beforeAll(async () => {
      proxy = await fake();
      ({ id } = await createProxy('health'));
    });

    it('unregistered until the proxy registers (nothing is requested)', async () => {
      const body = await statusBecomes(id, 'unregistered');
      expect(body.status.report).toEqual({ errors: [], warnings: [] });
      expect(body.healthy).toBe(false);
    });

    it('walks through ok, unhealthy and unreachable as the proxy changes', async () => {
      const token = (
        await w.t.http
          .patch(`/api/v2/workspaceproxies/${id}`)
          .set(auth(w.owner.token))
          .send({ regenerate_token: true })
          .expect(200)
      ).body.proxy_token as string;
      proxy.setMode({ kind: 'report', body: { errors: [], warnings: ['version mismatch'] } });
      await me('register', token, { access_url: proxy.url }).expect(201);

      let body = await statusBecomes(id, 'ok');
      expect(body.status.report).toEqual({ errors: [], warnings: ['version mismatch'] });
      expect(body.healthy).toBe(true);
      expect(Date.parse(body.status.checked_at)).toBeGreaterThan(Date.now() - 60_000);

      proxy.setMode({ kind: 'report', body: { errors: ['derp unreachable'], warnings: ['w1'] } });
      body = await statusBecomes(id, 'unhealthy');
      expect(body.status.report).toEqual({ errors: ['derp unreachable'], warnings: ['w1'] });
      expect(body.healthy).toBe(false);

      proxy.setMode({ kind: 'raw', status: 200, body: '<html>a login page</html>' });
      body = await eventually(async () => {
        const b = await proxyJson(id);
        return b.status.report.errors[0]?.startsWith('failed to decode health report: ') ? b : undefined;
      }).then((r) => r.value);
      expect(body.status.status).toBe('unhealthy');

      proxy.setMode({ kind: 'raw', status: 500, body: 'oops' });
      body = await eventually(async () => {
        const b = await proxyJson(id);
        return b.status.report.errors[0] === 'unexpected status code 500' ? b : undefined;
      }).then((r) => r.value);
      expect(body.status).toMatchObject({
        status: 'unhealthy',
        report: { errors: ['unexpected status code 500'], warnings: [] },
      });

      // A redirect is not followed: only the registered URL is ever requested.
      const elsewhere = await fake();
      proxy.setMode({ kind: 'redirect', location: `${elsewhere.url}/healthz-report` });
      body = await eventually(async () => {
        const b = await proxyJson(id);
        return b.status.report.errors[0] === 'unexpected status code 302' ? b : undefined;
      }).then((r) => r.value);
      expect(elsewhere.requests).toEqual([]);

      // No answer within the (bounded) timeout: unreachable.
      proxy.setMode({ kind: 'hang' });
      body = await statusBecomes(id, 'unreachable');
      expect(body.status.report.errors[0]).toBe(
        `request to proxy failed: Get "${proxy.url}/healthz-report": context deadline exceeded`,
      );

      // Nothing listening: unreachable with the connection error.
      proxy.setMode({ kind: 'report', body: {} });
      await statusBecomes(id, 'ok');
      await proxy.close();
      body = await eventually(async () => {
        const b = await proxyJson(id);
        return b.status.status === 'unreachable' && b.status.report.errors[0].includes('ECONNREFUSED') ? b : undefined;
      }).then((r) => r.value);
      expect(body.status.report.errors[0]).toMatch(
        /^request to proxy failed: Get "http:\/\/127\.0\.0\.1:\d+\/healthz-report": connect ECONNREFUSED/,
      );

      expect(new Set(proxy.requests.map((r) => `${r.method} ${r.path}`))).toEqual(new Set(['GET /healthz-report']));
    });

    it('unknown for a proxy no check has seen (a deleted one)', async () => {
      const { id: doomed } = await createProxy('health-doomed');
      await w.t.http.delete(`/api/v2/workspaceproxies/${doomed}`).set(auth(w.owner.token)).expect(200);
      expect((await proxyJson(doomed)).status).toEqual({
        status: 'unknown',
        report: { errors: [], warnings: [] },
        checked_at: '0001-01-01T00:00:00Z',
      });
    });

    it('stops polling while the feature is not entitled', async () => {
      const watched = await fake();
      const { token } = await createProxy('health-unlicensed');
      await me('register', token, { access_url: watched.url }).expect(201);
      await eventually(async () => watched.requests.length > 0);
      await deleteLicense(w.t, w.owner, licenseId);
      let seen: number;
      try {
        // A check already in flight may still land; after that, nothing.
        await new Promise((r) => setTimeout(r, 400));
        seen = watched.requests.length;
        await new Promise((r) => setTimeout(r, 1000));
        expect(watched.requests.length).toBe(seen);
      } finally {
        licenseId = (await addLicense(w.t, w.owner, ['workspace_proxy'])).id;
      }
      // Polling resumes with the license.
      await eventually(async () => watched.requests.length > seen);
    });
  });

  describe('GET /regions', () => {
    it('every user sees the primary and the app-serving proxies with their health; only the primary without the license', async () => {
      const healthy = await fake();
      const { id, token } = await createProxy('region-ok');
      await me('register', token, { access_url: healthy.url, wildcard_hostname: '*.region.example.com' }).expect(201);
      await statusBecomes(id, 'ok');
      const derpOnly = await createProxy('region-derp-only');
      await me('register', derpOnly.token, { access_url: healthy.url, derp_enabled: true, derp_only: true }).expect(
        201,
      );

      const member = await createUser(w.t, w.owner);
      const regions = (await w.t.http.get('/api/v2/regions').set(auth(member.token)).expect(200)).body
        .regions as Record<string, unknown>[];
      expect(regions[0]).toMatchObject({ name: 'primary', healthy: true });
      expect(Object.keys(regions[0]).sort()).toEqual([
        'display_name',
        'healthy',
        'icon_url',
        'id',
        'name',
        'path_app_url',
        'wildcard_hostname',
      ]);
      expect(regions.find((r) => r.name === 'region-ok')).toEqual({
        id,
        name: 'region-ok',
        display_name: '',
        icon_url: '',
        healthy: true,
        path_app_url: healthy.url,
        wildcard_hostname: '*.region.example.com',
      });
      expect(regions.map((r) => r.name)).not.toContain('region-derp-only');
      expect(regions.find((r) => r.name === 'health-unlicensed')).toBeDefined();

      await w.t.http.get('/api/v2/regions').expect(401);
      await deleteLicense(w.t, w.owner, licenseId);
      try {
        const unlicensed = (await w.t.http.get('/api/v2/regions').set(auth(member.token)).expect(200)).body.regions as {
          name: string;
        }[];
        expect(unlicensed.map((r) => r.name)).toEqual(['primary']);
      } finally {
        licenseId = (await addLicense(w.t, w.owner, ['workspace_proxy'])).id;
      }
    });
  });
});
