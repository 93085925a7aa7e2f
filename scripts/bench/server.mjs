// The bench's server under test: the built server (dist/src/main.js) in its own process, on a
// fresh PostgreSQL database (BENCH_DATABASE_URL's server, default the local one) or, with
// BENCH_DB=embedded, on the embedded PostgreSQL in a throwaway data directory.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { throwawayDatabase } from '../lib/throwaway-database.mjs';

export const embedded = process.env.BENCH_DB === 'embedded';

/** A loopback port free right now. */
export function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

/**
 * Starts the server with process.env plus `env` (a value of undefined removes the variable) and
 * waits for /healthz; `nodeArgs` go to node before the script (--cpu-prof). Its stdout (the JSON request log) is discarded; stderr is inherited.
 */
export async function startServer(env, { database = 'fresh', nodeArgs = [] } = {}) {
  const port = await freePort();
  const serverEnv = { ...process.env, CODER_HTTP_ADDRESS: `127.0.0.1:${port}` };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete serverEnv[name];
    else serverEnv[name] = value;
  }
  // database: 'fresh' (the BENCH_DB kind), 'embedded' or 'external' (forced), or 'given' (env names it; kept).
  const dropDatabase =
    database === 'given'
      ? async () => {}
      : await throwawayDatabase(serverEnv, {
          embedded: database === 'fresh' ? embedded : database === 'embedded',
          adminUrl: process.env.BENCH_DATABASE_URL,
          prefix: 'coder_bench',
        });
  const started = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, 'dist/src/main.js'], {
    env: serverEnv,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exit;
  void exited.then((e) => (exit = e));
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (exit) {
      await dropDatabase();
      throw new Error(`the server exited while starting (${exit.signal ?? `code ${exit.code}`})`);
    }
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    dropDatabase,
    port,
    pid: child.pid,
    env: serverEnv,
    readyMs: Date.now() - started,
    /** Whether the process is still the one started (it never exited or restarted). */
    alive: () => exit === undefined,
    async stop() {
      if (!exit) child.kill('SIGTERM');
      await exited;
      await dropDatabase();
    },
  };
}
