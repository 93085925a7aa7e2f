import { chmod, mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PgliteWireServer } from './pglite-wire-server.js';

/** The wire-protocol port number in the socket file name; no TCP port is opened. */
const SOCKET_PORT = 5432;
/** PGlite runs one query at a time; the wire server multiplexes this many client connections onto it. */
export const EMBEDDED_MAX_CONNECTIONS = 10;

export interface EmbeddedPostgres {
  /** A `postgres://` URL the normal pg driver connects with (over a Unix socket). */
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL compiled to WASM (PGlite) on `dataDir` and serves it over the PostgreSQL wire
 * protocol on a Unix socket in a private temporary directory (mode 0700), so TypeORM and pg use it
 * unchanged and no other local user can reach it. Data persists in `dataDir` across restarts.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const releaseLock = await lockDataDir(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir });
  } catch (err) {
    await releaseLock();
    throw err;
  }
  const socketDir = await mkdtemp(join(tmpdir(), 'coder-pg-'));
  await chmod(socketDir, 0o700);
  const server = new PgliteWireServer(db, {
    path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`),
    maxConnections: EMBEDDED_MAX_CONNECTIONS,
  });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    await rm(socketDir, { recursive: true, force: true });
    await releaseLock();
    throw err;
  }
  const url = `postgres://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socketDir)}`;
  let stopped = false;
  return {
    url,
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      await rm(socketDir, { recursive: true, force: true });
      await releaseLock();
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite has no lock of its own: two processes on one data directory would corrupt it. A pid file
 * created exclusively guards it; a stale file from a crashed process is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, 'postmaster.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(`the embedded database in ${dataDir} is in use by process ${pid}`);
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not lock the embedded database in ${dataDir}`);
}
