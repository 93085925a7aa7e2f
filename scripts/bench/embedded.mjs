// The embedded PostgreSQL (what `npm start` runs on) against the machine's PostgreSQL: start-up
// times of the embedded one (cold: a new data directory; warm: a restart on it) and GET /users/me
// throughput on both, measured interleaved (A, B, A, B, ...) after a warm-up, median of the rounds.
// Targets (issue 13): warm start <= 4 s, cold start <= 8 s, embedded >= 0.8 of external req/s.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { signIn } from './fixtures.mjs';
import { startServer } from './server.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runEmbedded() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const rounds = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
  const common = { CODER_API_RATE_LIMIT: '-1', CODER_LOG_LEVEL: 'warn', CODER_LOG_FORMAT: 'json' };

  const dir = mkdtempSync(join(tmpdir(), 'coder-bench-embedded-'));
  chmodSync(dir, 0o711);
  const embeddedEnv = { ...common, CODER_DATA_DIR: join(dir, 'data'), CODER_PG_CONNECTION_URL: undefined };
  try {
    const cold = await startServer(embeddedEnv, { database: 'given' });
    await cold.stop();
    const warmStarts = [];
    for (let i = 0; i < 3; i++) {
      const s = await startServer(embeddedEnv, { database: 'given' });
      warmStarts.push(s.readyMs);
      await s.stop();
    }

    const servers = {
      embedded: await startServer(embeddedEnv, { database: 'given' }),
      external: await startServer(common, { database: 'external' }),
    };
    const tokens = {
      embedded: await signIn(servers.embedded.base, 1),
      external: await signIn(servers.external.base, 2),
    };
    const load = (name, duration) =>
      autocannon({
        url: `${servers[name].base}/api/v2/users/me`,
        connections,
        duration,
        headers: { 'Coder-Session-Token': tokens[name] },
      });
    for (const name of Object.keys(servers)) await load(name, 2); // warm-up
    const rps = { embedded: [], external: [] };
    const errors = { embedded: 0, external: 0 };
    for (let round = 0; round < rounds; round++) {
      for (const name of round % 2 === 0 ? ['embedded', 'external'] : ['external', 'embedded']) {
        const r = await load(name, seconds);
        rps[name].push(Math.round(r.requests.average));
        errors[name] += r.errors + r.non2xx;
      }
    }
    for (const s of Object.values(servers)) await s.stop();

    const ratio = median(rps.embedded) / median(rps.external);
    const warm = median(warmStarts);
    console.log("\n## embedded PostgreSQL versus the machine's PostgreSQL");
    console.log(
      `ready (process start to /healthz 200): cold ${cold.readyMs} ms (target <= 8000), warm ${warm} ms median of ${warmStarts.join('/')} (target <= 4000)`,
    );
    console.log(`GET /api/v2/users/me, ${connections} connections, ${rounds} interleaved rounds of ${seconds} s:`);
    console.log(
      `  embedded req/s per round ${rps.embedded.join(' / ')}, external ${rps.external.join(' / ')}; errors ${errors.embedded} / ${errors.external}`,
    );
    console.log(`  median ratio embedded / external = ${ratio.toFixed(2)} (target >= 0.8)`);
    const pass = (ok) => (ok ? 'PASS' : 'MISS');
    console.log(
      `  ${pass(cold.readyMs <= 8000)} cold start, ${pass(warm <= 4000)} warm start, ${pass(ratio >= 0.8)} throughput`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
