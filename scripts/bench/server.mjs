// The bench's server under test: the built server (dist/src/main.js) in its own process, on a
// fresh PostgreSQL database (BENCH_DATABASE_URL's server, default the local one) or, with
// BENCH_DB=embedded, on the embedded PostgreSQL in a throwaway data directory.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { throwawayDatabase } from '../lib/throwaway-database.mjs';

export const embedded = process.env.BENCH_DB === 'embedded';

/**
 * The node options `npm start` runs the server with (package.json's start script, e.g. its heap
 * settings): the bench measures the server as it is started, not a variant of it.
 */
export const START_NODE_ARGS = (() => {
  const start = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).scripts.start;
  const m = /^node((?: --?[\w-]+(?:=\S+)?)*) dist\/src\/main\.js$/.exec(start);
  if (!m) throw new Error(`package.json start script "${start}" is not "node [options] dist/src/main.js"`);
  return m[1].trim().split(' ').filter(Boolean);
})();

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
 * waits for /healthz; node runs it with `npm start`'s options, and `nodeArgs` (--cpu-prof). Its stdout (the JSON request log) is discarded; stderr is inherited.
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
  const child = spawn(process.execPath, [...START_NODE_ARGS, ...nodeArgs, 'dist/src/main.js'], {
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
    /** Ends the process and drops its throwaway database, unless `keepDatabase` (then `dropDatabase()` later). */
    async stop({ keepDatabase = false } = {}) {
      if (!exit) child.kill('SIGTERM');
      await exited;
      if (!keepDatabase) await dropDatabase();
    },
  };
}
