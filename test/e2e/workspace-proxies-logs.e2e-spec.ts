import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newSigningKey, signLicense } from '../../src/core/licensing/license-issuer.js';
import { createTestDatabase } from '../helpers/database.js';
import { api, startServerProcess, waitForStatus, type ServerProcess } from '../helpers/server-process.js';

const owner = { email: 'admin@example.com', username: 'admin', password: 'Replica-Test-Passw0rd' };

describe('workspace proxy tokens never reach the logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coder-proxy-logs-'));
  let server: ServerProcess;

  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs every request at debug level, with the proxy token header redacted', async () => {
    const key = await newSigningKey('logs-test');
    const keysFile = join(dir, 'license-keys.json');
    writeFileSync(keysFile, JSON.stringify({ keys: [key.publicJwk] }));
    server = await startServerProcess({
      CODER_PG_CONNECTION_URL: await createTestDatabase(),
      CODER_LICENSE_KEYS_FILE: keysFile,
      CODER_LOG_LEVEL: 'debug',
      CODER_PROVISIONER_DAEMONS: '0',
      CODER_PROXY_HEALTH_INTERVAL: '200ms',
    });
    await waitForStatus(`${server.baseUrl}/healthz`, 200);
    await api(server.baseUrl, 'POST', '/api/v2/users/first', { body: owner });
    const token = (
      await api(server.baseUrl, 'POST', '/api/v2/users/login', {
        body: { email: owner.email, password: owner.password },
      })
    ).body.session_token as string;
    const license = await signLicense(key, { features: { workspace_proxy: 1 } });
    expect((await api(server.baseUrl, 'POST', '/api/v2/licenses', { token, body: { license } })).status).toBe(201);
    const created = await api(server.baseUrl, 'POST', '/api/v2/workspaceproxies', { token, body: { name: 'logged' } });
    const proxyToken = created.body.proxy_token as string;
    const secret = proxyToken.split(':')[1];

    const register = (presented: string, body: unknown) =>
      fetch(`${server.baseUrl}/api/v2/workspaceproxies/me/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Coder-External-Proxy-Token': presented },
        body: JSON.stringify(body),
      });
    expect((await register(proxyToken, { access_url: 'http://127.0.0.1:9' })).status).toBe(201);
    expect((await register(proxyToken, { access_url: 'not a url' })).status).toBe(400);
    expect((await register(`${proxyToken.split(':')[0]}:${'f'.repeat(64)}`, {})).status).toBe(401);
    const regenerated = await api(server.baseUrl, 'PATCH', '/api/v2/workspaceproxies/logged', {
      token,
      body: { regenerate_token: true },
    });
    const secondSecret = (regenerated.body.proxy_token as string).split(':')[1];
    // Let a few health checks of the (unreachable) proxy run and log.
    await new Promise((r) => setTimeout(r, 600));

    const output = server.output();
    expect(output).toContain('/api/v2/workspaceproxies/me/register');
    expect(output).toContain('"coder-external-proxy-token":"[REDACTED]"');
    for (const s of [secret, secondSecret, 'f'.repeat(64)]) expect(output).not.toContain(s);
  });
});
