import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newSigningKey, signLicense, type SigningKey } from '../../src/core/licensing/license-issuer.js';
import { eventually } from '../helpers/ha.js';
import { api, startServerProcess, waitForStatus, type ServerProcess } from '../helpers/server-process.js';
import {
  startThrowawayPostgres,
  throwawayUnavailableReason,
  type ThrowawayPostgres,
} from '../helpers/throwaway-postgres.js';

const reason = throwawayUnavailableReason();
if (reason) process.stderr.write(`Skipping the PostgreSQL restart test with three replicas: ${reason}\n`);

const owner = { email: 'admin@example.com', username: 'admin', password: 'Replica-Test-Passw0rd' };

interface LoadStats {
  ok: number;
  unavailable: number;
  other: string[];
}

/** Keeps `workers` requests in flight against every server until stopped; tallies the answers. */
function startLoad(servers: ServerProcess[], token: string, workers = 6): { stop(): Promise<LoadStats> } {
  const stats: LoadStats = { ok: 0, unavailable: 0, other: [] };
  let running = true;
  const paths = ['/api/v2/users/me', '/api/v2/entitlements', '/api/v2/replicas', '/api/v2/licenses'];
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let i = 0; running; i++) {
      const server = servers[(worker + i) % servers.length];
      const path = paths[i % paths.length];
      try {
        const res = await api(server.baseUrl, 'GET', path, { token });
        if (res.status === 200) stats.ok++;
        else if (res.status === 503) stats.unavailable++;
        else stats.other.push(`${path} ${res.status} ${JSON.stringify(res.body)}`);
      } catch (err) {
        stats.other.push(`${path} ${(err as Error).message}`);
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return stats;
    },
  };
}

(reason ? describe.skip : describe)(
  'restarting PostgreSQL under load with three replicas (a throwaway cluster)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'coder-ha-restart-'));
    const keysFile = join(dir, 'license-keys.json');
    let key: SigningKey;
    let cluster: ThrowawayPostgres;
    let servers: ServerProcess[] = [];
    let token: string;

    const entitled = async (server: ServerProcess, feature: string) => {
      const res = await api(server.baseUrl, 'GET', '/api/v2/entitlements');
      return (
        (res.body as { features: Record<string, { enabled: boolean; entitlement: string }> }).features[feature]
          ?.entitlement === 'entitled'
      );
    };

    beforeAll(async () => {
      key = await newSigningKey('restart-test');
      writeFileSync(keysFile, JSON.stringify({ keys: [key.publicJwk] }));
      cluster = await startThrowawayPostgres();
      const env = {
        CODER_PG_CONNECTION_URL: cluster.url,
        CODER_LICENSE_KEYS_FILE: keysFile,
        CODER_LOG_LEVEL: 'warn',
        CODER_REPLICA_HEARTBEAT_INTERVAL: '1s',
        CODER_PROVISIONER_DAEMONS: '0',
      };
      const startOne = async () => {
        const server = await startServerProcess(env);
        await waitForStatus(`${server.baseUrl}/healthz`, 200);
        return server;
      };
      const first = await startOne();
      expect((await api(first.baseUrl, 'POST', '/api/v2/users/first', { body: owner })).status).toBe(201);
      servers = [first, ...(await Promise.all([startOne(), startOne()]))];
      token = (
        await api(first.baseUrl, 'POST', '/api/v2/users/login', {
          body: { email: owner.email, password: owner.password },
        })
      ).body.session_token as string;
    }, 120_000);

    afterAll(async () => {
      await Promise.all(servers.map((s) => s.stop('SIGKILL')));
      cluster?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the replicas survive, resubscribe, and licenses added after the restart reach every replica', async () => {
      for (const server of servers) {
        await eventually(
          async () =>
            ((await api(server.baseUrl, 'GET', '/api/v2/replicas', { token })).body as unknown as unknown[]).length ===
            3,
          10_000,
        );
      }
      const load = startLoad(servers, token);
      await new Promise((r) => setTimeout(r, 500));

      cluster.kill();
      for (const server of servers) await waitForStatus(`${server.baseUrl}/healthz`, 503, 15_000);
      // Long enough for every heartbeat to fail and every pubsub connection to notice the loss.
      await new Promise((r) => setTimeout(r, 2000));
      cluster.start();
      const restartedAt = Date.now();
      for (const server of servers) await waitForStatus(`${server.baseUrl}/healthz`, 200, 15_000);
      process.stderr.write(`all replicas healthy ${Date.now() - restartedAt} ms after PostgreSQL restarted\n`);

      // Added at once: it reaches each replica by NOTIFY, or by the resync every subscriber does after reconnecting.
      const first = await api(servers[0].baseUrl, 'POST', '/api/v2/licenses', {
        token,
        body: { license: await signLicense(key, { features: { template_rbac: 1 } }) },
      });
      expect(first.status).toBe(201);
      for (const server of servers) {
        const { ms } = await eventually(() => entitled(server, 'template_rbac'), 10_000, 20);
        process.stderr.write(`license added right after the restart reached ${server.baseUrl} in ${ms} ms\n`);
      }

      // Every replica lists all three again (rows went stale during the outage).
      for (const server of servers) {
        await eventually(
          async () =>
            ((await api(server.baseUrl, 'GET', '/api/v2/replicas', { token })).body as unknown as unknown[]).length ===
            3,
          10_000,
        );
      }

      // Later, with every LISTEN connection re-established: only NOTIFY can be this quick.
      const second = await api(servers[1].baseUrl, 'POST', '/api/v2/licenses', {
        token,
        body: { license: await signLicense(key, { features: { audit_log: 1 } }) },
      });
      expect(second.status).toBe(201);
      for (const server of servers) {
        const { ms } = await eventually(() => entitled(server, 'audit_log'), 5000, 10);
        process.stderr.write(`license added after resubscribing reached ${server.baseUrl} in ${ms} ms\n`);
        expect(ms).toBeLessThan(1000);
      }

      const stats = await load.stop();
      process.stderr.write(`load: ${stats.ok} answered 200, ${stats.unavailable} answered 503 during the outage\n`);
      expect(stats.other).toEqual([]);
      expect(stats.ok).toBeGreaterThan(0);
      expect(stats.unavailable).toBeGreaterThan(0);
      for (const server of servers) expect(server.child.exitCode).toBeNull();
    }, 90_000);
  },
);
