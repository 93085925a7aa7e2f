// The bench's server under test: the built server (dist/src/main.js) in its own process, on a
// fresh PostgreSQL database (BENCH_DATABASE_URL's server, default the local one) or, with
// BENCH_DB=pglite, on the embedded database in a throwaway data directory.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const embedded = process.env.BENCH_DB === 'pglite';

/** A loopback port free right now. */
export function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function freshDatabase(env) {
  if (embedded) {
    const dir = mkdtempSync(join(tmpdir(), 'coder-bench-'));
    env.CODER_DATA_DIR = dir;
    delete env.CODER_PG_CONNECTION_URL;
    return async () => rmSync(dir, { recursive: true, force: true });
  }
  const admin = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `coder_bench_${Date.now()}_${process.pid}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  env.CODER_PG_CONNECTION_URL = url.toString();
  return async () => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  };
}

/**
 * Starts the server with process.env plus `env` (a value of undefined removes the variable) and
 * waits for /healthz. Its stdout (the JSON request log) is discarded; stderr is inherited.
 */
export async function startServer(env) {
  const port = await freePort();
  const serverEnv = { ...process.env, CODER_HTTP_ADDRESS: `127.0.0.1:${port}` };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete serverEnv[name];
    else serverEnv[name] = value;
  }
  const dropDatabase = await freshDatabase(serverEnv);
  const started = Date.now();
  const child = spawn(process.execPath, ['dist/src/main.js'], { env: serverEnv, stdio: ['ignore', 'ignore', 'inherit'] });
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
