import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, startServerProcess, waitForStatus, type ServerProcess } from '../helpers/server-process.js';

const owner = { email: 'admin@example.com', username: 'admin', password: 'Embedded-Test-Passw0rd' };

/** `npm start` with no CODER_PG_CONNECTION_URL: PGlite in CODER_DATA_DIR, persisted across restarts. */
describe('the embedded default database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'coder-data-'));
  let server: ServerProcess | undefined;

  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /healthz, keeps the first user across a restart, and never logs tokens', async () => {
    const env = { CODER_DATA_DIR: dataDir, CODER_LOG_LEVEL: 'info' };
    server = await startServerProcess(env);
    const coldMs = await waitForStatus(`${server.baseUrl}/healthz`, 200, 90_000);
    process.stderr.write(`embedded database: ready in ${coldMs} ms (fresh data directory)\n`);
    expect(server.output()).toContain('starting the embedded PostgreSQL (PGlite)');

    expect((await api(server.baseUrl, 'POST', '/api/v2/users/first', { body: owner })).status).toBe(201);
    const login = await api(server.baseUrl, 'POST', '/api/v2/users/login', {
      body: { email: owner.email, password: owner.password },
    });
    expect(login.status).toBe(201);
    const token = login.body.session_token as string;
    const secret = token.split('-')[1];
    expect((await api(server.baseUrl, 'GET', '/api/v2/users/me', { token })).status).toBe(200);
    const viaQuery = await fetch(`${server.baseUrl}/api/v2/users/me?coder_session_token=${token}`);
    expect(viaQuery.status).toBe(200);
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.output()).toContain('request completed');
    expect(server.output()).not.toContain(secret);
    expect(server.output()).not.toContain(owner.password);

    server = await startServerProcess(env);
    const warmMs = await waitForStatus(`${server.baseUrl}/healthz`, 200, 90_000);
    process.stderr.write(`embedded database: ready in ${warmMs} ms (existing data directory)\n`);
    const first = await api(server.baseUrl, 'GET', '/api/v2/users/first');
    expect(first).toEqual({ status: 200, body: { message: 'The initial user has already been created!' } });
    const me = await api(server.baseUrl, 'GET', '/api/v2/users/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('admin');

    // A second server on the same data directory would corrupt it: it must refuse to start.
    const second = await startServerProcess(env);
    expect(await second.exited()).not.toBe(0);
    expect(second.output()).toMatch(/in use by process \d+/);

    expect(await server.stop('SIGTERM')).toBe(0);
    server = undefined;
  }, 240_000);
});
