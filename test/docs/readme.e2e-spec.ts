import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createTestDatabase } from '../helpers/database.js';
import { freePort, startServerProcess, waitForStatus, type ServerProcess } from '../helpers/server-process.js';
import { readmeBlocks, toRunnable, type ReadmeBlock } from './readme-blocks.js';
import { ReadmeShell } from './readme-shell.js';

// README.md's walkthrough, "## First user and login" through "## Workspace proxies", pasted block by
// block into one shell against a fresh server, as a new user would: any failing command (every
// curl is `curl -fsS`) or unset variable fails the test, naming the block.

/** The tools the walkthrough tells the reader to have. */
const TOOLS = ['curl', 'jq', 'node', 'npm'];

/**
 * Sections in the range whose blocks are not walkthrough steps. Kept short; blocks within the
 * walkthrough sections are skipped with a `<!-- readme-test: skip (reason) -->` line instead.
 */
const SKIP_SECTIONS = {
  // Its block creates a database on the machine's PostgreSQL and restarts the server on it: another
  // way to set up, not a step of the walkthrough (the test already runs on a fresh database).
  'Using a real PostgreSQL': 'an alternative setup (createdb, then a server on that database)',
};

const BLOCK_TIMEOUT_MS = 45_000;
const TEST_TIMEOUT_MS = 115_000;

function missingTools(): string[] {
  return TOOLS.filter((tool) => spawnSync('bash', ['-c', `command -v ${tool}`]).status !== 0);
}

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

describe('README.md walkthrough', () => {
  const root = process.cwd();
  const blocks = readmeBlocks(
    readFileSync(join(root, 'README.md'), 'utf8'),
    'First user and login',
    'Workspace proxies',
    SKIP_SECTIONS,
  );
  let dir: string;
  let dataDir: string;
  let databaseUrl: string;
  let port: number;
  let server: ServerProcess | undefined;
  let shell: ReadmeShell | undefined;
  let restarts = 0;

  const startServer = async (readmeEnv: Record<string, string>) => {
    const settings = Object.fromEntries(Object.entries(readmeEnv).filter(([name]) => name.startsWith('CODER_')));
    server = await startServerProcess(
      // CODER_API_RATE_LIMIT empty: the server's default limits, as the reader has them.
      { CODER_API_RATE_LIMIT: '', ...settings, CODER_PG_CONNECTION_URL: databaseUrl, CODER_DATA_DIR: dataDir },
      { port },
    );
    const started = server;
    const exited = started.exited().then((code) => {
      throw new Error(`the server exited (status ${code}) before answering`);
    });
    await Promise.race([waitForStatus(`${started.baseUrl}/healthz`, 200, 30_000), exited]).catch((err: Error) => {
      throw new Error(`${err.message}\n${tail(started.output(), 30)}`);
    });
    exited.catch(() => undefined);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coder-readme-'));
    dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    databaseUrl = await createTestDatabase();
    port = await freePort();
  });

  afterAll(async () => {
    await shell?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has the walkthrough blocks, each skip with its reason', () => {
    const run = blocks.filter((b) => !b.skip);
    expect(run.length).toBeGreaterThanOrEqual(10);
    for (const section of [
      'First user and login',
      'Licenses and enterprise features',
      'Templates and workspaces',
      'Workspace proxies',
    ]) {
      expect(run.some((b) => b.section === section)).toBe(true);
    }
    expect(blocks.filter((b) => b.skip).map((b) => `${b.section}: ${b.skip}`)).toEqual([
      'Using a real PostgreSQL: an alternative setup (createdb, then a server on that database)',
      'Running several replicas: an example for several machines and a shared database',
    ]);
  });

  it(
    'runs every block in order in one shell, and every provisioner job it starts succeeds',
    async () => {
      const missing = missingTools();
      if (missing.length)
        throw new Error(
          `The README's walkthrough needs ${missing.join(', ')}: not found on PATH. Install it to run this test.`,
        );

      await startServer({});
      const shellEnv = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? dir,
        TMPDIR: dir,
        // The reader's shell and server share ./.coder-data by default; here both use the test's.
        CODER_DATA_DIR: dataDir,
      };
      shell = new ReadmeShell(dir, root, shellEnv, async (env) => {
        restarts++;
        await server?.stop();
        await startServer(env);
      });

      const baseUrl = `http://127.0.0.1:${port}`;
      const ran: ReadmeBlock[] = [];
      for (const [index, block] of blocks.entries()) {
        if (block.skip) continue;
        const result = await shell.run(index, toRunnable(block.code, baseUrl).script, BLOCK_TIMEOUT_MS);
        if (!result.ok) {
          throw new Error(
            [
              `README.md block at line ${block.line} ("## ${block.section}") failed: ${result.reason}.`,
              '--- block ---',
              block.code,
              '--- its output ---',
              tail(result.output, 60),
              '--- server log (end) ---',
              tail(server?.output() ?? '', 10),
            ].join('\n'),
          );
        }
        ran.push(block);
      }
      expect(ran.length).toBeGreaterThanOrEqual(10);
      // The first block restarts the server with the settings later sections need.
      expect(restarts).toBe(1);

      const db = await connect(databaseUrl);
      try {
        const builds = await db.query<{ transition: string; completed: boolean; error: string | null }>(
          `SELECT b.transition, j.completed_at IS NOT NULL AS completed, j.error
             FROM workspace_builds b JOIN provisioner_jobs j ON j.id = b.job_id ORDER BY b.created_at`,
        );
        expect(builds.rows.map((b) => b.transition)).toEqual(expect.arrayContaining(['start', 'stop']));
        for (const build of builds.rows)
          expect(build).toEqual({ transition: build.transition, completed: true, error: null });

        const jobs = await db.query<{ type: string; completed: boolean; canceled: boolean; error: string | null }>(
          `SELECT type, completed_at IS NOT NULL AS completed, canceled_at IS NOT NULL AS canceled, error FROM provisioner_jobs`,
        );
        for (const job of jobs.rows)
          expect(job).toEqual({ type: job.type, completed: true, canceled: false, error: null });
      } finally {
        await db.end();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
