import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { PROMETHEUS_ON, sample, scrape } from '../helpers/metrics.js';
import { auth, type Owner } from '../helpers/world.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ACCESS_URL = 'https://coder.example.test';

/** Operational endpoints: health, build info, Prometheus metrics, the OpenAPI document. */
describe('operational endpoints', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({
      env: { CODER_ACCESS_URL: ACCESS_URL, ...PROMETHEUS_ON },
      ownerName: 'metricsowner',
    }));
  });
  afterAll(() => closeWorld(t, db));

  describe('GET /healthz', () => {
    it('answers 200 without a session while the database answers', async () => {
      const res = await t.http.get('/healthz').expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const database = { status: 'up', responseTime: expect.any(Number) };
      expect(res.body).toEqual({ status: 'ok', info: { database }, error: {}, details: { database } });
    });
  });

  describe('GET /api/v2/buildinfo', () => {
    it('is public and describes this deployment', async () => {
      const res = await t.http.get('/api/v2/buildinfo').expect(200);
      expect(res.body).toEqual({
        external_url: expect.stringMatching(/^https:\/\//),
        version: expect.stringMatching(/^v\d+\.\d+\.\d+/),
        dashboard_url: ACCESS_URL,
        workspace_proxy: false,
        agent_api_version: expect.any(String),
        deployment_id: expect.stringMatching(UUID_RE),
        upgrade_message: '',
      });
      expect(res.headers['x-coder-build-version']).toBe(res.body.version);
    });

    it('keeps the deployment id stable across calls, stored in site_configs', async () => {
      const first = await t.http.get('/api/v2/buildinfo').expect(200);
      const second = await t.http.get('/api/v2/buildinfo').set(auth(owner.token)).expect(200);
      expect(second.body.deployment_id).toBe(first.body.deployment_id);
      const row = await db.query(`SELECT value FROM site_configs WHERE key = 'deployment_id'`);
      expect(row.rows).toEqual([{ value: first.body.deployment_id }]);
    });
  });

  describe('GET /metrics on the Prometheus listener', () => {
    it('serves Prometheus text without a session, counting API requests by route template (never raw ids)', async () => {
      const unknownId = '7d5e1c2a-1b3c-4d5e-8f90-a1b2c3d4e5f6';
      await t.http.get(`/api/v2/users/${owner.userId}`).set(auth(owner.token)).expect(200);
      await t.http.get(`/api/v2/users/${owner.username}`).set(auth(owner.token)).expect(200);
      await t.http.get(`/api/v2/users/${unknownId}`).set(auth(owner.token)).expect(404);
      await t.http.get('/api/v2/no-such-route-zq9x').expect(404);

      const res = await scrape(t);
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = res.text;
      expect(text).toContain('# TYPE coderd_api_requests_processed_total counter');
      const ok = sample(
        text,
        'coderd_api_requests_processed_total',
        'code="200",method="GET",path="/api/v2/users/:user"',
      );
      expect(ok).toBeGreaterThanOrEqual(2);
      const missing = sample(
        text,
        'coderd_api_requests_processed_total',
        'code="404",method="GET",path="/api/v2/users/:user"',
      );
      expect(missing).toBe(1);
      for (const raw of [owner.userId, owner.username, unknownId, 'no-such-route-zq9x'])
        expect(text).not.toContain(raw);
      // Every path label is a template or a fixed bucket, never a concrete value.
      const paths = [...text.matchAll(/coderd_api_requests_processed_total\{[^}]*path="([^"]*)"/g)].map((m) => m[1]);
      expect(paths.length).toBeGreaterThan(0);
      for (const path of paths) expect(path).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);

      expect(text).toContain('# TYPE coderd_api_request_latencies_seconds histogram');
      const pool = text.split('\n').find((l) => l.startsWith('coderd_db_pool_connections '));
      expect(pool).toBeDefined();
      expect(Number(pool!.split(' ')[1])).toBeGreaterThan(0);
    });
  });

  describe('OpenAPI', () => {
    it('serves an OpenAPI 3 document at /swagger/doc.json with the session token scheme', async () => {
      const res = await t.http.get('/swagger/doc.json').expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const doc = res.body;
      expect(doc.openapi).toMatch(/^3\./);
      const version = (await t.http.get('/api/v2/buildinfo')).body.version;
      expect(doc.info.version).toBe(version);
      expect(doc.components.securitySchemes.CoderSessionToken).toEqual({
        type: 'apiKey',
        in: 'header',
        name: 'Coder-Session-Token',
      });
      for (const path of [
        '/api/v2/users/{user}',
        '/api/v2/organizations',
        '/api/v2/organizations/{organization}',
        '/api/v2/organizations/{organization}/members/{user}',
        '/api/v2/organizations/{organization}/members/{user}/roles',
      ]) {
        expect({ path, present: path in doc.paths }).toEqual({ path, present: true });
      }
      expect(doc.paths['/api/v2/organizations'].post.security).toEqual([{ CoderSessionToken: [] }]);
      expect(Object.keys(doc.paths['/api/v2/organizations'].post.responses).sort()).toEqual(
        expect.arrayContaining(['201', '400', '401', '403', '409']),
      );
      // Public routes carry no security requirement; Express-style paths never leak into the document.
      expect(doc.paths['/api/v2/buildinfo'].get.security).toBeUndefined();
      expect(Object.keys(doc.paths).filter((p) => p.includes(':'))).toEqual([]);
    });

    it('serves the Swagger UI as HTML at /swagger', async () => {
      const res = await t.http.get('/swagger').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('swagger-ui');
    });
  });
});
