import type pg from 'pg';
import { connect, createTestDatabase } from '../helpers/database.js';
import { connectDaemon, servePath } from '../helpers/daemon-client.js';
import { issueLicense, testLicenseKey } from '../helpers/licenses.js';
import { api, startServerProcess, waitForStatus, type ServerProcess } from '../helpers/server-process.js';

const PSK = 'process-shutdown-psk-0123456789';
const owner = { email: 'admin@example.com', username: 'admin', password: 'Shutdown-Test-Passw0rd' };

/** `npm start` (main.ts) with a daemon connected: SIGTERM must not wait on the open WebSocket. */
describe('SIGTERM with provisioner daemons connected', () => {
  let server: ServerProcess;
  let db: pg.Client;

  beforeAll(async () => {
    const url = await createTestDatabase();
    server = await startServerProcess({
      CODER_PG_CONNECTION_URL: url,
      CODER_LICENSE_KEYS_FILE: (await testLicenseKey()).path,
      CODER_PROVISIONER_DAEMON_PSK: PSK,
      CODER_PROVISIONER_DAEMONS: '0',
      CODER_LOG_LEVEL: 'info',
    });
    await waitForStatus(`${server.baseUrl}/healthz`, 200);
    db = await connect(url);
  }, 120_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await db?.end();
  });

  it('closes daemon sockets with 1001, fails their jobs, and exits 0', async () => {
    const first = await api(server.baseUrl, 'POST', '/api/v2/users/first', { body: owner });
    expect(first.status).toBe(201);
    const token = (
      await api(server.baseUrl, 'POST', '/api/v2/users/login', {
        body: { email: owner.email, password: owner.password },
      })
    ).body.session_token as string;
    expect(
      (
        await api(server.baseUrl, 'POST', '/api/v2/licenses', {
          token,
          body: { license: await issueLicense({ features: { external_provisioner_daemons: 1 } }) },
        })
      ).status,
    ).toBe(201);
    const orgId = first.body.organization_id as string;
    const userId = first.body.user_id as string;

    const daemon = await connectDaemon(server.baseUrl, servePath(orgId, 'provisioner=echo&name=proc-daemon'), {
      'Coder-Provisioner-Daemon-PSK': PSK,
    });
    const jobId = '6a3f6a2e-8f55-4c7c-9a61-1b0b7b9f5e01';
    await db.query(
      `INSERT INTO files (id, hash, created_at, created_by, mimetype, data) VALUES ('8c0e9d7a-0a43-4b8e-9d7c-2b6f1c3e4d5f', 'h', now(), $1, 'application/json', '{}')`,
      [userId],
    );
    await db.query(
      `INSERT INTO provisioner_jobs (id, created_at, updated_at, organization_id, initiator_id, provisioner, storage_method, type, input, file_id, tags)
       VALUES ($1, now(), now(), $2, $3, 'echo', 'file', 'template_version_import', '{}', '8c0e9d7a-0a43-4b8e-9d7c-2b6f1c3e4d5f', '{"scope":"organization"}')`,
      [jobId, orgId, userId],
    );
    expect(await daemon.request({ type: 'acquire_job', wait: true })).toMatchObject({ job: { job_id: jobId } });

    const exit = server.stop('SIGTERM');
    expect(await daemon.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await exit).toBe(0);
    expect(server.output()).toContain('shutdown complete');
    const { rows } = await db.query('SELECT error FROM provisioner_jobs WHERE id = $1', [jobId]);
    expect(rows[0].error).toBe('The server stopped while provisioner daemon "proc-daemon" was running this job.');
  });
});
