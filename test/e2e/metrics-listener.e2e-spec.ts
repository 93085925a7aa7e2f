import { createServer, type Server } from 'node:net';
import { MetricsListener } from '../../src/core/metrics/metrics-listener.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { testLicenseKey } from '../helpers/licenses.js';
import { metricsBaseUrl, PROMETHEUS_ON, sample, scrape } from '../helpers/metrics.js';
import { freePort, startServerProcess, waitForStatus } from '../helpers/server-process.js';

const ROUTE_NOT_FOUND = { message: 'Route not found.' };

/** A port held by someone else, for the "address in use" cases. */
async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

const release = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** Prometheus on a listener of its own (Coder's CODER_PROMETHEUS_*), never on the API port. */
describe('Prometheus metrics listener', () => {
  describe('off (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t?.close());

    it('binds nothing, and the API port answers /metrics with the envelope 404', async () => {
      expect(t.app.get(MetricsListener).address()).toBeUndefined();
      for (const path of ['/metrics', '/metrics/', '/api/v2/metrics']) {
        const res = await t.http.get(path);
        expect({ path, status: res.status, body: res.body, type: res.headers['content-type'] }).toEqual({
          path,
          status: 404,
          body: ROUTE_NOT_FOUND,
          type: 'application/json; charset=utf-8',
        });
      }
    });
  });

  describe('on', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: PROMETHEUS_ON });
    });
    afterAll(() => t?.close());

    it("serves Coder's metric names on its own port, without a session", async () => {
      expect(metricsBaseUrl(t)).not.toBe(t.baseUrl);
      await t.http.get('/api/v2/buildinfo').expect(200);
      const res = await scrape(t);
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
      for (const type of [
        '# TYPE coderd_api_requests_processed_total counter',
        '# TYPE coderd_api_request_latencies_seconds histogram',
        '# TYPE coderd_api_concurrent_requests gauge',
        '# TYPE coderd_db_pool_connections gauge',
        '# TYPE process_cpu_seconds_total counter',
      ]) {
        expect(res.text).toContain(type);
      }
      expect(
        sample(res.text, 'coderd_api_requests_processed_total', 'code="200",method="GET",path="/api/v2/buildinfo"'),
      ).toBeGreaterThanOrEqual(1);
    });

    it('the API port still answers /metrics with 404, and the metrics middleware counts that request; scrapes are not counted', async () => {
      const unmatched = 'code="404",method="GET",path="unmatched"';
      // Every scrape answers a fresh rendering (one a second at most: metrics-listener.ts).
      const fresh = () => scrape(t);
      const before = sample((await fresh()).text, 'coderd_api_requests_processed_total', unmatched) ?? 0;
      expect((await t.http.get('/metrics').expect(404)).body).toEqual(ROUTE_NOT_FOUND);
      await scrape(t);
      await fetch(`${metricsBaseUrl(t)}/nope`);
      const after = sample((await fresh()).text, 'coderd_api_requests_processed_total', unmatched);
      expect(after).toBe(before + 1);
    });

    it('answers 404 off /metrics and 405 to other methods, in the envelope; HEAD has no body', async () => {
      const base = metricsBaseUrl(t);
      for (const path of ['/', '/metrics/', '/metricsx', '/api/v2/users/me', '/healthz']) {
        const res = await fetch(`${base}${path}`);
        expect({ path, status: res.status, body: await res.json() }).toEqual({
          path,
          status: 404,
          body: ROUTE_NOT_FOUND,
        });
      }
      const post = await fetch(`${base}/metrics`, { method: 'POST', body: '{}' });
      expect([post.status, post.headers.get('allow'), await post.json()]).toEqual([
        405,
        'GET, HEAD',
        { message: 'Method not allowed.' },
      ]);
      const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
      expect([head.status, await head.text()]).toEqual([200, '']);
      const query = await fetch(`${base}/metrics?name[]=x`);
      expect(query.status).toBe(200);
    });

    it('renders at most once a second: a scraper in a loop waits for the next rendering, which is fresh', async () => {
      const first = await scrape(t);
      await t.http.get('/api/v2/buildinfo').expect(200);
      const started = Date.now();
      const second = await scrape(t);
      expect(second.text).not.toBe(first.text);
      const third = await scrape(t);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(third.status).toBe(200);
    });

    it('serves concurrent scrapes', async () => {
      const all = await Promise.all(Array.from({ length: 8 }, () => scrape(t)));
      for (const res of all) {
        expect(res.status).toBe(200);
        expect(res.text).toContain('coderd_api_requests_processed_total');
      }
    });
  });

  it('closes with the app, also with a scraper keeping its connection open', async () => {
    const t = await startTestApp({ env: PROMETHEUS_ON });
    const base = metricsBaseUrl(t);
    expect((await fetch(`${base}/metrics`, { headers: { connection: 'keep-alive' } })).status).toBe(200);
    await t.close();
    await expect(fetch(`${base}/metrics`)).rejects.toThrow();
    expect(t.app.get(MetricsListener).address()).toBeUndefined();
  });

  it('a taken address fails the start with an error naming CODER_PROMETHEUS_ADDRESS', async () => {
    const held = await holdPort();
    try {
      await expect(
        startTestApp({ env: { CODER_PROMETHEUS_ENABLE: 'true', CODER_PROMETHEUS_ADDRESS: `127.0.0.1:${held.port}` } }),
      ).rejects.toThrow(
        `Cannot serve Prometheus metrics on 127.0.0.1:${held.port} (CODER_PROMETHEUS_ADDRESS): the address is already in use`,
      );
    } finally {
      await release(held.server);
    }
  });

  describe('npm start', () => {
    it('logs where the metrics are, serves them, and stops the listener on SIGTERM', async () => {
      const port = await freePort();
      const server = await startServerProcess({
        CODER_PG_CONNECTION_URL: await createTestDatabase(),
        CODER_LICENSE_KEYS_FILE: (await testLicenseKey()).path,
        CODER_PROVISIONER_DAEMONS: '0',
        CODER_LOG_LEVEL: 'info',
        CODER_PROMETHEUS_ENABLE: 'true',
        CODER_PROMETHEUS_ADDRESS: `127.0.0.1:${port}`,
      });
      try {
        await waitForStatus(`${server.baseUrl}/healthz`, 200).catch((err: Error) => {
          throw new Error(`${err.message}\n${server.output()}`);
        });
        expect(server.output()).toContain(`Prometheus metrics: http://127.0.0.1:${port}/metrics`);
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('coderd_api_requests_processed_total');
        expect((await fetch(`${server.baseUrl}/metrics`)).status).toBe(404);
        expect(await server.stop('SIGTERM')).toBe(0);
        await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
      } finally {
        await server.stop('SIGKILL');
      }
    }, 120_000);

    it('exits 1 naming CODER_PROMETHEUS_ADDRESS when the address is taken', async () => {
      const held = await holdPort();
      const server = await startServerProcess({
        CODER_PG_CONNECTION_URL: await createTestDatabase(),
        CODER_LICENSE_KEYS_FILE: (await testLicenseKey()).path,
        CODER_PROVISIONER_DAEMONS: '0',
        CODER_PROMETHEUS_ENABLE: 'true',
        CODER_PROMETHEUS_ADDRESS: `127.0.0.1:${held.port}`,
      });
      try {
        expect(await server.exited()).toBe(1);
        expect(server.output()).toContain(
          `Cannot serve Prometheus metrics on 127.0.0.1:${held.port} (CODER_PROMETHEUS_ADDRESS): the address is already in use`,
        );
      } finally {
        await server.stop('SIGKILL');
        await release(held.server);
      }
    }, 120_000);
  });
});
