import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { newSigningKey, signLicense, type SigningKey } from '../../src/core/licensing/license-issuer.js';
import { connect, createTestDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/ha.js';
import { api, freePort, startServerProcess, waitForStatus, type ServerProcess } from '../helpers/server-process.js';

const owner = { email: 'admin@example.com', username: 'admin', password: 'Replica-Test-Passw0rd' };
const HA_ERROR =
  'You have multiple replicas but high availability is an Enterprise feature. You will be unable to connect to workspaces.';

/** How often the observers poll while waiting for the killed replica to leave. */
const POLL_MS = 250;

/**
 * Done-when of issue 7, with Coder's default timing (heartbeat 5 s, dead after 15 s): three
 * server processes on one PostgreSQL.
 */
describe('three server processes on one PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coder-ha-'));
  const keysFile = join(dir, 'license-keys.json');
  let key: SigningKey;
  let db: pg.Client;
  let servers: ServerProcess[] = [];
  let token: string;

  async function start(env: Record<string, string>): Promise<ServerProcess> {
    const port = await freePort();
    const server = await startServerProcess(
      { ...env, CODER_DERP_SERVER_RELAY_URL: `http://127.0.0.1:${port}`, CODER_PROVISIONER_DAEMONS: '0' },
      { port },
    );
    await waitForStatus(`${server.baseUrl}/healthz`, 200);
    return server;
  }

  const replicas = async (server: ServerProcess) => {
    const res = await api(server.baseUrl, 'GET', '/api/v2/replicas', { token });
    if (res.status !== 200) throw new Error(`GET /replicas answered ${res.status}`);
    return res.body as unknown as { id: string; relay_address: string; error: string }[];
  };
  const entitlementErrors = async (server: ServerProcess) =>
    ((await api(server.baseUrl, 'GET', '/api/v2/entitlements')).body as { errors: string[] }).errors;

  beforeAll(async () => {
    key = await newSigningKey('ha-test');
    writeFileSync(keysFile, JSON.stringify({ keys: [key.publicJwk] }));
    const url = await createTestDatabase();
    db = await connect(url);
    const env = { CODER_PG_CONNECTION_URL: url, CODER_LICENSE_KEYS_FILE: keysFile, CODER_LOG_LEVEL: 'warn' };
    const first = await start(env);
    expect((await api(first.baseUrl, 'POST', '/api/v2/users/first', { body: owner })).status).toBe(201);
    servers = [first, ...(await Promise.all([start(env), start(env)]))];
    const login = await api(servers[1].baseUrl, 'POST', '/api/v2/users/login', {
      body: { email: owner.email, password: owner.password },
    });
    token = login.body.session_token as string;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    await db?.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every replica lists all three, each with its relay address and no error', async () => {
    const relays = servers.map((s) => `http://127.0.0.1:${new URL(s.baseUrl).port}`).sort();
    for (const server of servers) {
      const { value } = await eventually(async () => {
        const list = await replicas(server);
        return list.length === 3 && list.every((r) => r.error === '') ? list : undefined;
      }, 15_000);
      expect(value.map((r) => r.relay_address).sort()).toEqual(relays);
    }
  });

  it('without high_availability every replica shows the HA error; a license with it clears the error everywhere', async () => {
    for (const server of servers)
      await eventually(async () => (await entitlementErrors(server)).includes(HA_ERROR), 5000);
    const license = await signLicense(key, { features: { high_availability: 1 } });
    const added = await api(servers[0].baseUrl, 'POST', '/api/v2/licenses', { token, body: { license } });
    expect(added.status).toBe(201);
    for (const server of servers) {
      const { ms } = await eventually(async () => (await entitlementErrors(server)).length === 0, 5000);
      process.stderr.write(`HA license reached ${server.baseUrl} in ${ms} ms\n`);
    }
    expect(
      (await api(servers[2].baseUrl, 'DELETE', `/api/v2/licenses/${added.body.id as number}`, { token })).status,
    ).toBe(200);
    for (const server of servers)
      await eventually(async () => (await entitlementErrors(server)).includes(HA_ERROR), 5000);
  });

  it('SIGKILL: the killed replica leaves the list within 15 s while the other two keep answering', async () => {
    const [a, b, victim] = servers;
    const victimId = (await replicas(victim)).at(-1)!.id;
    const failures: string[] = [];
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    let goneMs = -1;
    while (goneMs < 0) {
      if (Date.now() - killedAt > 20_000) throw new Error('the killed replica is still listed after 20 s');
      const results = await Promise.all(
        [a, b].flatMap((s) => [
          api(s.baseUrl, 'GET', '/api/v2/replicas', { token }),
          api(s.baseUrl, 'GET', '/api/v2/users/me', { token }),
          api(s.baseUrl, 'GET', '/api/v2/entitlements'),
        ]),
      );
      results.forEach((r, i) => r.status !== 200 && failures.push(`request ${i}: ${r.status}`));
      const lists = [results[0], results[3]].map((r) => (r.body as unknown as { id: string }[]).map((x) => x.id));
      if (lists.every((ids) => !ids.includes(victimId))) goneMs = Date.now() - killedAt;
      else await new Promise((r) => setTimeout(r, POLL_MS));
    }
    process.stderr.write(`SIGKILLed replica left the list ${goneMs} ms after the kill\n`);
    expect(failures).toEqual([]);
    // Dead after 15 s without a heartbeat; the last one was at most one poll before we looked.
    expect(goneMs).toBeLessThanOrEqual(15_000 + POLL_MS + 250);
    expect((await replicas(a)).map((r) => r.id)).toHaveLength(2);
    // Its relay no longer answered meanwhile; once it is gone the survivors report no error.
    for (const server of [a, b])
      await eventually(async () => (await replicas(server)).every((r) => r.error === ''), 12_000);
    expect(await entitlementErrors(a)).toEqual([HA_ERROR]);
    servers = [a, b];
  }, 40_000);

  it('SIGTERM: stopped_at is set at once, and the last replica standing clears the HA error', async () => {
    const [a, b] = servers;
    const bId = (await replicas(b)).at(-1)!.id;
    const signalledAt = Date.now();
    b.child.kill('SIGTERM');
    const { ms } = await eventually(
      async () =>
        (await db.query('SELECT stopped_at FROM replicas WHERE id = $1', [bId])).rows[0]?.stopped_at ? true : undefined,
      5000,
      5,
    );
    process.stderr.write(`stopped_at set ${ms} ms after SIGTERM (${Date.now() - signalledAt} ms incl. the poll)\n`);
    expect(ms).toBeLessThan(2000);
    expect(await b.exited()).toBe(0);
    expect((await replicas(a)).map((r) => r.id)).not.toContain(bId);
    const cleared = await eventually(async () => (await entitlementErrors(a)).length === 0, 5000);
    process.stderr.write(`HA error cleared on the last replica ${cleared.ms} ms after b stopped\n`);
    expect(await replicas(a)).toHaveLength(1);
  });
});
