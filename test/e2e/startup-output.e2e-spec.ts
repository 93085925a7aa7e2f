import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createTestDatabase } from '../helpers/database.js';
import { api, freePort, startServerProcess, waitForStatus, type ServerProcess } from '../helpers/server-process.js';

const owner = { email: 'owner@example.com', username: 'owner', password: 'Startup-Output-Passw0rd' };
const PASSWORD = 'S3cret-Pg-Passw0rd';

/** Nest's per-module and per-route lines, which a normal start no longer prints at info. */
const NEST_NOISE = /Mapped \{|dependencies initialized|RoutesResolver|RouterExplorer|InstanceLoader/;

async function waitForOutput(server: ServerProcess, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(server.output())) {
    if (Date.now() > deadline || server.child.exitCode !== null)
      throw new Error(`output lacks ${String(pattern)}:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts, waits until the server answers and the first-user check has run, returns the output so far. */
async function startAndSettle(server: ServerProcess): Promise<void> {
  await waitForStatus(`${server.baseUrl}/healthz`, 200, 90_000);
  await waitForOutput(server, /Swagger UI/);
  // The first-user check is one query right after "Swagger UI"; give it time to print.
  await new Promise((r) => setTimeout(r, 1000));
}

describe('start-up output', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'coder-startup-'));
  const servers: ServerProcess[] = [];
  let url: string;
  let admin: URL;

  const start = async (env: Record<string, string>, options: { port?: number } = {}) => {
    const server = await startServerProcess(
      { CODER_PG_CONNECTION_URL: url, CODER_DATA_DIR: dataDir, CODER_LOG_LEVEL: 'info', CODER_LOG_FORMAT: '', ...env },
      options,
    );
    servers.push(server);
    return server;
  };

  /** A failing start: exit code, how long it took, its output. */
  const failingStart = async (env: Record<string, string>, options: { port?: number } = {}) => {
    const started = Date.now();
    const server = await start(env, options);
    const code = await server.exited();
    return { code, ms: Date.now() - started, output: server.output() };
  };

  beforeAll(async () => {
    url = await createTestDatabase();
    admin = new URL(url);
  });

  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('not on a terminal: JSON lines only, one per phase, no route mapping, and the first-user command while no user exists', async () => {
    const server = await start({});
    await startAndSettle(server);
    expect(await server.stop('SIGTERM')).toBe(0);
    const lines = server.output().trimEnd().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string; firstUserCommand?: string });
    const messages = entries.map((e) => e.msg);
    // A Unix-socket URL (the embedded test database) names its directory in `?host=`.
    const host = admin.searchParams.get('host') ?? admin.hostname;
    const where = `PostgreSQL at ${host}:${admin.port || 5432}${admin.pathname} (CODER_PG_CONNECTION_URL)`;
    expect(messages[0]).toMatch(
      new RegExp(`^database: connected to ${where.replace(/[()/.]/g, '\\$&')} \\(\\d+(\\.\\d)? m?s\\)$`),
    );
    expect(messages[1]).toMatch(/^migrations: \d+ applied \(/);
    expect(messages).toContainEqual(expect.stringMatching(new RegExp(`^listening on ${server.baseUrl} \\(`)));
    expect(messages).toContain(`Swagger UI: ${server.baseUrl}/swagger`);
    const hint = entries.find((e) => e.firstUserCommand);
    expect(hint?.firstUserCommand).toContain(`curl -X POST '${server.baseUrl}/api/v2/users/first'`);
    expect(server.output()).not.toMatch(NEST_NOISE);
    // database, migrations, a replica line, listening, Swagger, the hint, then three of shutdown.
    expect(lines.length).toBeLessThanOrEqual(12);
  }, 120_000);

  it('CODER_LOG_FORMAT=pretty: readable lines and a pasteable command; once a user exists, no command', async () => {
    let server = await start({ CODER_LOG_FORMAT: 'pretty' });
    await startAndSettle(server);
    const output = server.output();
    expect(output).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: migrations: none pending \(/m);
    expect(output).toContain(
      `\n  curl -X POST '${server.baseUrl}/api/v2/users/first' -H 'Content-Type: application/json' -d '{"email":`,
    );
    expect(output).not.toMatch(/^\{"level"/m);
    expect(output).not.toMatch(NEST_NOISE);

    expect((await api(server.baseUrl, 'POST', '/api/v2/users/first', { body: owner })).status).toBe(201);
    const login = await api(server.baseUrl, 'POST', '/api/v2/users/login', {
      body: { email: owner.email, password: owner.password },
    });
    const config = await api(server.baseUrl, 'GET', '/api/v2/deployment/config', {
      token: login.body.session_token as string,
    });
    const options = (config.body as { options: { env?: string; value?: unknown; group?: { name: string } }[] }).options;
    expect(options.find((o) => o.env === 'CODER_LOG_FORMAT')).toMatchObject({
      value: 'pretty',
      group: { name: 'Logging' },
    });
    expect(await server.stop('SIGTERM')).toBe(0);

    server = await start({ CODER_LOG_FORMAT: 'pretty' });
    await startAndSettle(server);
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.output()).toContain('listening on');
    expect(server.output()).not.toContain('curl');
    expect(server.output()).not.toContain('No user exists');
  }, 180_000);

  it.each([
    [
      'an unknown database',
      (): string => withPath(url, '/no_such_database_h3'),
      'database "no_such_database_h3" does not exist',
      1,
    ],
    ['an unknown role', (): string => withUser(url, 'no_such_role_h3'), 'role "no_such_role_h3" does not exist', 1],
    ['a bad %-escape in the user name', (): string => withUser(url, 'bad%zzuser'), 'the URL cannot be parsed', 1],
    [
      'an unknown host',
      (): string => `postgres://coder:${PASSWORD}@no-such-host.invalid:5432/coder`,
      'unknown host "no-such-host.invalid"',
      1,
    ],
    [
      'a malformed URL',
      (): string => `postgres://coder:${PASSWORD}@127.0.0.1:99999/coder`,
      'must be a postgres:// URL',
      2,
    ],
  ])(
    '%s in CODER_PG_CONNECTION_URL: exits at once with one line naming it, without the password',
    async (_name, badUrl, reason, exitCode) => {
      const { code, ms, output } = await failingStart({ CODER_PG_CONNECTION_URL: badUrl() });
      expect(code).toBe(exitCode);
      expect(ms).toBeLessThan(5000);
      expect(output.trimEnd().split('\n')).toHaveLength(1);
      expect(output).toContain('CODER_PG_CONNECTION_URL');
      expect(output).toContain(reason);
      expect(output).not.toContain(PASSWORD);
    },
    30_000,
  );

  it('a taken CODER_HTTP_ADDRESS: one line naming it, at once, before the database is touched', async () => {
    const fresh = await createTestDatabase();
    const port = await freePort();
    const held: Server = createServer();
    await new Promise<void>((resolve) => held.listen(port, '127.0.0.1', resolve));
    try {
      const { code, ms, output } = await failingStart({ CODER_PG_CONNECTION_URL: fresh }, { port });
      expect(code).toBe(1);
      expect(ms).toBeLessThan(5000);
      expect(output.trimEnd().split('\n')).toEqual([
        `Cannot listen on 127.0.0.1:${port} (CODER_HTTP_ADDRESS): the address is already in use (another server is running there, or choose another port)`,
      ]);
    } finally {
      await new Promise<void>((resolve) => held.close(() => resolve()));
    }
    const client = await connect(fresh);
    try {
      const { rows } = await client.query<{ table: string | null }>(
        `SELECT to_regclass('public.typeorm_migrations')::text AS "table"`,
      );
      expect(rows[0].table).toBeNull();
    } finally {
      await client.end();
    }
  }, 30_000);

  it('SIGTERM exits within 10 s when its output has nowhere to go (the reader of stdout and stderr is gone)', async () => {
    const server = await start({});
    await startAndSettle(server);
    server.child.stdout?.destroy();
    server.child.stderr?.destroy();
    // Requests log a line each: the writes after the pipes broke must not loop or block.
    for (let i = 0; i < 5; i++) expect((await api(server.baseUrl, 'GET', '/api/v2/buildinfo')).status).toBe(200);
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const code = await server.exited();
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(code).not.toBeNull();
  }, 120_000);

  // util-linux `script` runs the server on a pseudo-terminal, which the test then makes vanish.
  const haveScript = spawnSync('script', ['--version']).status === 0;

  /** The server on a pseudo-terminal. */
  async function onTerminal() {
    const port = await freePort();
    const pidFile = join(dataDir, `terminal-server-${port}.pid`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CODER_PG_CONNECTION_URL: url,
      CODER_DATA_DIR: dataDir,
      CODER_HTTP_ADDRESS: `127.0.0.1:${port}`,
      CODER_LOG_LEVEL: 'info',
    };
    delete env.CODER_LOG_FORMAT;
    const main = join(process.cwd(), 'dist', 'src', 'main.js');
    const server = `sh -c 'echo $$ > ${pidFile}; exec "${process.execPath}" "${main}"'`;
    const terminal = spawn('script', ['-qfc', server, '/dev/null'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    terminal.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    await waitForStatus(`http://127.0.0.1:${port}/healthz`, 200, 90_000);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // Auto-detected: pretty, colored lines on a terminal.
    const deadline = Date.now() + 10_000;
    while (!screen.includes('listening on') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return { port, pid, terminal, screen: () => screen };
  }

  async function exitTime(pid: number, limitMs = 12_000): Promise<number> {
    const started = Date.now();
    while (running(pid) && Date.now() - started < limitMs) await new Promise((r) => setTimeout(r, 100));
    return Date.now() - started;
  }

  (haveScript ? it : it.skip)(
    'on a terminal: pretty lines; when the terminal closes (SIGHUP, then writes fail with EIO) the server stops within 10 s',
    async () => {
      const t = await onTerminal();
      try {
        expect(t.screen()).toMatch(/INFO.*listening on/);
        expect(t.screen()).not.toMatch(/\{"level"/);
        t.terminal.kill('SIGKILL');
        expect(await exitTime(t.pid)).toBeLessThan(10_000);
      } finally {
        t.terminal.kill('SIGKILL');
        if (running(t.pid)) process.kill(t.pid, 'SIGKILL');
      }
    },
    120_000,
  );
});

/** Whether `pid` is a live process (a zombie waiting to be reaped has exited). */
function running(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (existsSync(stat)) return !/^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'));
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function withPath(url: string, path: string): string {
  const u = new URL(url);
  u.password = PASSWORD;
  u.pathname = path;
  return u.toString();
}

/** The test database URL with another user name (and a password that must never be printed). */
function withUser(url: string, user: string): string {
  const u = new URL(url);
  return `${u.protocol}//${user}:${PASSWORD}@${u.host}${u.pathname}`;
}
