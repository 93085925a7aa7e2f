import { startTestApp, type TestApp } from '../helpers/app.js';
import { isScimPath } from '../../src/enterprise/scim/discovery/scim.constants.js';
import { listAppRoutes, type AppRoute } from '../security/routes.js';

/** Routes that are deliberately reachable without a session. Adding one here is a security decision. */
const PUBLIC_ROUTES = new Set([
  'GET /api/v2/users/first',
  'POST /api/v2/users/first',
  'POST /api/v2/users/login',
  // The login page and sign-out read it without a session (coder-clients §4).
  'GET /api/v2/users/authmethods',
  'GET /api/v2/buildinfo',
  // Coder serves it without a session; it tells only this server's version, as /buildinfo does.
  'GET /api/v2/updatecheck',
  'GET /api/v2/entitlements',
  'GET /healthz',
  // Authenticates itself (session token or the provisioner daemon pre-shared key), in the same order
  // as the WebSocket upgrade it documents; see ServeAccessService.
  'GET /api/v2/organizations/:serveorg/provisionerdaemons/serve',
  // A daemon reads its own provisioner key, authenticated by Coder-Provisioner-Daemon-Key alone
  // (ProvisionerKeyAuth: 401 without it, failed attempts rate limited), as in Coder.
  'GET /api/v2/provisionerkeys/:provisionerkey',
  // External workspace proxies authenticate with Coder-External-Proxy-Token instead of a session
  // (ProxyTokenGuard: 401 without a valid proxy token, then the workspace_proxy gate).
  'POST /api/v2/workspaceproxies/me/register',
  'POST /api/v2/workspaceproxies/me/deregister',
]);

describe('route audit: every route is public, authenticated or authorized on purpose', () => {
  let t: TestApp;
  let routes: AppRoute[];

  beforeAll(async () => {
    t = await startTestApp();
    routes = listAppRoutes(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThan(30);
  });

  it('every route declares its access rule', () => {
    const undeclared = routes.filter((r) => !r.rule).map((r) => `${r.method} ${r.path}`);
    expect(undeclared).toEqual([]);
  });

  it('only the allow-listed routes are public', () => {
    const publicRoutes = routes
      .filter((r) => r.rule?.kind === 'public' && !isScimPath(r.path))
      .map((r) => `${r.method} ${r.path}`);
    expect(publicRoutes.sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  // SCIM routes skip the session guard: identity providers authenticate with the SCIM key
  // (ScimAuthGuard, covered by scim-users.e2e-spec.ts). Without a key configured they do not exist.
  it('SCIM routes are served on both mounts and answer 404 while no SCIM key is configured', async () => {
    const scim = routes.filter((r) => isScimPath(r.path));
    expect(scim.filter((r) => r.path.startsWith('/scim/v2')).length).toBeGreaterThan(10);
    expect(scim.filter((r) => r.path.startsWith('/api/v2/scim/v2')).length).toBe(scim.length / 2);
    expect(scim.filter((r) => r.rule?.kind !== 'public')).toEqual([]);
    const failures: string[] = [];
    for (const route of scim) {
      const path = route.path.replace(':id', '00000000-0000-0000-0000-000000000001').replace(':name', 'User');
      const res = await t.http[route.method.toLowerCase() as 'get'](path).send({});
      if (res.status !== 404 || res.body.message !== 'Route not found.')
        failures.push(`${route.method} ${path}: ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('the external proxy routes answer 401 without a proxy token', async () => {
    for (const path of ['/api/v2/workspaceproxies/me/register', '/api/v2/workspaceproxies/me/deregister']) {
      const res = await t.http.post(path).send({});
      expect({ path, status: res.status, body: res.body }).toEqual({
        path,
        status: 401,
        body: { message: 'Missing required external proxy token' },
      });
    }
  });

  it('every other route answers 401 to a caller without a session', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.rule?.kind !== 'public')) {
      const path = route.path.replace(/:[A-Za-z_]+/g, '3fa85f64-5717-4562-b3fc-2c963f66afa6');
      const res = await t.http[route.method.toLowerCase() as 'get'](path).send({});
      if (res.status !== 401 || !String(res.body.message).startsWith('You are signed out')) {
        failures.push(`${route.method} ${route.path} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
