import request from 'supertest';
import { KNOWN_EXPERIMENTS } from '../../src/config/config.schema.js';
import { closeWorld, openWorld, type World } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { FORBIDDEN, isoTime, SIGNED_OUT } from '../helpers/expectations.js';
import { issueLicense } from '../helpers/licenses.js';
import { build, createWorkspace, echoTemplate, waitForBuild } from '../helpers/templates.js';
import { DASHBOARD_OPTION_NAMES } from '../contract/schemas.js';
import { auth, nonOwnerRoles, PASSWORD, type Session } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

const SECRETS = { CODER_SCIM_AUTH_HEADER: 'scim-Secret-Key-8c1f2', CODER_PROVISIONER_DAEMON_PSK: 'psk-Secret-5e9a7' };
const PG_PASSWORD = 'pg-Secret-Pw-3b7d';

describe('deployment routes: /deployment/{config,stats,ssh}, /experiments, /updatecheck', () => {
  let w: World;
  let databaseUrl: string;
  let licenseJwt: string;
  const roles = nonOwnerRoles(() => w);
  const get = (path: string, session?: Session) => {
    const req = w.t.http.get(path);
    return session ? req.set(auth(session.token)) : req;
  };

  beforeAll(async () => {
    const url = new URL(await createTestDatabase());
    // The test server trusts connections, so a password in the URL is carried but unused.
    url.password = PG_PASSWORD;
    databaseUrl = url.toString();
    w = await openWorld({ databaseUrl, env: { ...SECRETS, CODER_EXPERIMENTS: 'moons,dashboard_theme' } });
    licenseJwt = await issueLicense({ allFeatures: true });
    await w.t.http.post('/api/v2/licenses').set(auth(w.owner.token)).send({ license: licenseJwt }).expect(201);
  });
  afterAll(() => closeWorld(w?.t, w?.db));

  describe('GET /deployment/config', () => {
    it("answers owners {config, options} with the dashboard's option names and this server's values", async () => {
      const res = await get('/api/v2/deployment/config', w.owner).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['config', 'options']);
      const names = res.body.options.map((o: { name: string }) => o.name);
      expect(names).toEqual(expect.arrayContaining(DASHBOARD_OPTION_NAMES));
      const option = (name: string) => res.body.options.find((o: { name: string }) => o.name === name);
      expect(option('Experiments')).toMatchObject({
        env: 'CODER_EXPERIMENTS',
        flag: 'experiments',
        value: ['moons', 'dashboard_theme'],
        value_source: 'env',
      });
      expect(option('Wildcard Access URL')).toMatchObject({ value: '', group: { name: 'Networking' } });
      expect(option('OAuth2 GitHub Client ID')).toMatchObject({
        value: '',
        group: { name: 'GitHub', parent: { name: 'OAuth2' } },
      });
      expect(option('Access URL')).toMatchObject({
        value: w.t.baseUrl.replace(/:\d+$/, ':0'),
        env: 'CODER_ACCESS_URL',
      });
      expect(res.body.config).toMatchObject({
        access_url: option('Access URL').value,
        wildcard_access_url: '',
        experiments: ['moons', 'dashboard_theme'],
        external_auth: [],
        support: { links: [] },
        max_session_expiry: 24 * 3600 * 1e9,
      });
    });

    it('never carries a secret: SCIM key, PSK, database password, license JWTs', async () => {
      const res = await get('/api/v2/deployment/config', w.owner).expect(200);
      for (const secret of [...Object.values(SECRETS), databaseUrl, licenseJwt, licenseJwt.split('.')[1]]) {
        expect(res.text).not.toContain(secret);
      }
      expect(res.text).not.toContain(PG_PASSWORD);
      const secrets = res.body.options.filter(
        (o: { annotations?: Record<string, string> }) => o.annotations?.secret === 'true',
      );
      expect(secrets.map((o: Record<string, unknown>) => [o.env, 'value' in o, o.value_source])).toEqual([
        ['CODER_PG_CONNECTION_URL', false, 'env'],
        ['CODER_SCIM_AUTH_HEADER', false, 'env'],
        ['CODER_PROVISIONER_DAEMON_PSK', false, 'env'],
      ]);
    });

    it('says whether the session cookie is Secure, matching what login sets', async () => {
      const login = await w.t.http
        .post('/api/v2/users/login')
        .send({ email: w.owner.email, password: PASSWORD })
        .expect(201);
      const cookie = String(login.headers['set-cookie']);
      const res = await get('/api/v2/deployment/config', w.owner).expect(200);
      const secure = res.body.options.find((o: { name: string }) => o.name === 'Secure Auth Cookie');
      expect(secure.value).toBe(/;\s*Secure/i.test(cookie));
      expect(res.body.config.secure_auth_cookie).toBe(secure.value);
    });

    it('answers auditors too; every other role gets 403, signed-out callers 401', async () => {
      for (const [role, make] of Object.entries(roles)) {
        const session = await make();
        const res = await get('/api/v2/deployment/config', session);
        expect({ role, status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual(
          role === 'auditor' ? { role, status: 200, body: 'ok' } : { role, status: 403, body: FORBIDDEN },
        );
      }
      expect((await get('/api/v2/deployment/config').expect(401)).body.message).toBe(SIGNED_OUT);
    });
  });

  describe('GET /deployment/stats', () => {
    it("counts live workspaces by their latest build, in Coder's shape, then serves that answer until next_update_at", async () => {
      // Free resources: the license turns quotas on, and the owner has no allowance.
      const template = await echoTemplate(w.t, w.owner, w.owner.orgId, {
        resources: [{ name: 'dev', type: 'docker_container' }],
      });
      const workspaces = [];
      for (let i = 0; i < 7; i++)
        workspaces.push(await createWorkspace(w.t, w.owner, w.owner.orgId, template.id as string));
      for (const ws of workspaces)
        expect((await waitForBuild(w.t, w.owner, ws.latest_build.id)).job.status).toBe('succeeded');
      const [, stopped, failed, pending, building, canceled, deleted] = workspaces;
      await waitForBuild(w.t, w.owner, (await build(w.t, w.owner, stopped.id, 'stop')).id);
      await waitForBuild(w.t, w.owner, (await build(w.t, w.owner, deleted.id, 'delete')).id);
      const job = (ws: JsonObject) => ws.latest_build.job.id as string;
      await w.db.query(`UPDATE provisioner_jobs SET error = 'boom' WHERE id = $1`, [job(failed)]);
      // A job no built-in (echo) daemon will pick up stays pending.
      await w.db.query(
        `UPDATE provisioner_jobs SET provisioner = 'terraform', started_at = NULL, completed_at = NULL WHERE id = $1`,
        [job(pending)],
      );
      await w.db.query(`UPDATE provisioner_jobs SET completed_at = NULL, updated_at = now() WHERE id = $1`, [
        job(building),
      ]);
      await w.db.query(`UPDATE provisioner_jobs SET canceled_at = completed_at WHERE id = $1`, [job(canceled)]);

      const res = await get('/api/v2/deployment/stats', w.owner).expect(200);
      expect(res.body).toEqual({
        aggregated_from: isoTime(),
        collected_at: isoTime(),
        next_update_at: isoTime(),
        workspaces: {
          pending: 1,
          building: 1,
          running: 1,
          failed: 1,
          stopped: 1,
          connection_latency_ms: { P50: 0, P95: 0 },
          rx_bytes: 0,
          tx_bytes: 0,
        },
        session_count: { vscode: 0, ssh: 0, jetbrains: 0, reconnecting_pty: 0 },
      });
      const collected = Date.parse(res.body.collected_at);
      expect(Date.parse(res.body.next_update_at) - collected).toBe(30_000);
      expect(collected - Date.parse(res.body.aggregated_from)).toBe(15 * 60_000);

      // Within the interval the same answer is served, whatever changed since.
      await createWorkspace(w.t, w.owner, w.owner.orgId, template.id as string);
      expect((await get('/api/v2/deployment/stats', w.owner).expect(200)).body).toEqual(res.body);
    });

    it('answers auditors; every other role gets 403 Forbidden., signed-out callers 401', async () => {
      for (const [role, make] of Object.entries(roles)) {
        const res = await get('/api/v2/deployment/stats', await make());
        expect({ role, status: res.status }).toEqual({ role, status: role === 'auditor' ? 200 : 403 });
        if (role !== 'auditor') expect(res.body).toEqual(FORBIDDEN);
      }
      await get('/api/v2/deployment/stats').expect(401);
    });
  });

  it("GET /deployment/ssh: any session gets Coder's defaults; 401 without one", async () => {
    const member = await roles.member();
    expect((await get('/api/v2/deployment/ssh', member).expect(200)).body).toEqual({
      hostname_prefix: 'coder.',
      hostname_suffix: 'coder',
      ssh_config_options: {},
    });
    await get('/api/v2/deployment/ssh').expect(401);
  });

  it('GET /experiments and /experiments/available: CODER_EXPERIMENTS, and what * enables; sessions only', async () => {
    const member = await roles.member();
    expect((await get('/api/v2/experiments', member).expect(200)).body).toEqual(['moons', 'dashboard_theme']);
    expect((await get('/api/v2/experiments/available', member).expect(200)).body).toEqual({
      safe: [...KNOWN_EXPERIMENTS],
    });
    await get('/api/v2/experiments').expect(401);
    await get('/api/v2/experiments/available').expect(401);
  });

  it("GET /updatecheck: public, always current, with this build's version and URL", async () => {
    const buildinfo = (await get('/api/v2/buildinfo').expect(200)).body;
    const expected = { current: true, version: buildinfo.version, url: buildinfo.external_url };
    expect((await get('/api/v2/updatecheck').expect(200)).body).toEqual(expected);
    expect((await get('/api/v2/updatecheck', w.owner).expect(200)).body).toEqual(expected);
  });

  it('documents every route of this slice in the OpenAPI document', async () => {
    const doc = (await w.t.http.get('/swagger/doc.json').expect(200)).body;
    const routes: [string, string, boolean][] = [
      ['post', '/api/v2/authcheck', false],
      ['get', '/api/v2/users/authmethods', true],
      ['get', '/api/v2/updatecheck', true],
      ['get', '/api/v2/experiments', false],
      ['get', '/api/v2/experiments/available', false],
      ['get', '/api/v2/deployment/config', false],
      ['get', '/api/v2/deployment/stats', false],
      ['get', '/api/v2/deployment/ssh', false],
    ];
    for (const [method, path, isPublic] of routes) {
      const op = doc.paths[path]?.[method];
      expect({
        path,
        summary: typeof op?.summary,
        ok: Boolean(op?.responses?.['200']),
        public: op?.security === undefined,
      }).toEqual({
        path,
        summary: 'string',
        ok: true,
        public: isPublic,
      });
    }
    expect(
      doc.paths['/api/v2/authcheck'].post.responses['200'].content['application/json'].schema.additionalProperties,
    ).toEqual({ type: 'boolean' });
    expect(Object.keys(doc.paths['/api/v2/deployment/stats'].get.responses)).toEqual(
      expect.arrayContaining(['401', '403']),
    );
    for (const schema of [
      'AuthorizationRequest',
      'AuthorizationCheck',
      'AuthorizationObject',
      'AuthMethodsResponse',
      'DeploymentConfigResponse',
      'DeploymentStatsResponse',
    ]) {
      expect({ schema, present: schema in doc.components.schemas }).toEqual({ schema, present: true });
    }
  });

  it('a deployment with defaults and an https access URL: no experiments, and a Secure session cookie', async () => {
    const other = await openWorld({ env: { CODER_ACCESS_URL: 'https://coder.example.com' } });
    try {
      const owner = other.owner;
      expect((await other.t.http.get('/api/v2/experiments').set(auth(owner.token)).expect(200)).body).toEqual([]);
      const login = await request(other.t.baseUrl)
        .post('/api/v2/users/login')
        .send({ email: owner.email, password: PASSWORD })
        .expect(201);
      expect(String(login.headers['set-cookie'])).toMatch(/;\s*Secure/i);
      const config = (await other.t.http.get('/api/v2/deployment/config').set(auth(owner.token)).expect(200)).body;
      expect(config.options.find((o: { name: string }) => o.name === 'Secure Auth Cookie').value).toBe(true);
      expect(config.options.find((o: { name: string }) => o.name === 'Experiments')).toMatchObject({
        value: [],
        value_source: 'default',
      });
    } finally {
      await closeWorld(other.t, other.db);
    }
  });
});
