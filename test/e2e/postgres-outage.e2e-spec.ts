import { api, startServerProcess, waitForStatus, type ServerProcess } from '../helpers/server-process.js';
import {
  startThrowawayPostgres,
  throwawayUnavailableReason,
  type ThrowawayPostgres,
} from '../helpers/throwaway-postgres.js';

const reason = throwawayUnavailableReason();
if (reason) process.stderr.write(`Skipping the PostgreSQL outage test: ${reason}\n`);
const describeCluster = reason ? describe.skip : describe;

const owner = { email: 'admin@example.com', username: 'admin', password: 'SomeStrongPassword!' };

describeCluster('losing PostgreSQL while serving (a throwaway cluster on its own port)', () => {
  let cluster: ThrowawayPostgres;
  let server: ServerProcess;
  let token: string;

  beforeAll(async () => {
    cluster = await startThrowawayPostgres();
    server = await startServerProcess({ CODER_PG_CONNECTION_URL: cluster.url, CODER_LOG_LEVEL: 'info' });
    const startupMs = await waitForStatus(`${server.baseUrl}/healthz`, 200);
    process.stderr.write(`server ready on PostgreSQL in ${startupMs} ms\n`);
    expect((await api(server.baseUrl, 'POST', '/api/v2/users/first', { body: owner })).status).toBe(201);
    const login = await api(server.baseUrl, 'POST', '/api/v2/users/login', {
      body: { email: owner.email, password: owner.password },
    });
    expect(login.status).toBe(201);
    token = login.body.session_token as string;
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    cluster?.destroy();
  });

  it('stays up, answers 503 during the outage, and serves again within seconds of the restart', async () => {
    cluster.kill();
    await waitForStatus(`${server.baseUrl}/healthz`, 503, 15_000);
    const during = await api(server.baseUrl, 'GET', '/api/v2/users/me', { token });
    expect(during.status).toBe(503);
    expect(during.body.message).toBe('The database is unavailable. Please try again shortly.');
    expect(JSON.stringify(during.body)).not.toMatch(/ECONN|postgres|SELECT/i);
    expect(server.child.exitCode).toBeNull();

    cluster.start();
    const recoveryMs = await waitForStatus(`${server.baseUrl}/healthz`, 200, 15_000);
    process.stderr.write(`server healthy again ${recoveryMs} ms after PostgreSQL restarted\n`);
    let me = await api(server.baseUrl, 'GET', '/api/v2/users/me', { token });
    for (let i = 0; i < 50 && me.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      me = await api(server.baseUrl, 'GET', '/api/v2/users/me', { token });
    }
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('admin');
    expect(recoveryMs).toBeLessThan(10_000);
    expect(server.child.exitCode).toBeNull();
  });

  it('shuts down gracefully on SIGTERM', async () => {
    const code = await server.stop('SIGTERM');
    expect(code).toBe(0);
    expect(server.output()).toContain('shutdown complete');
  });
});
