import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Runs outside the test sandbox, once per run.
export default async function globalSetup() {
  // Every temporary file of the run (the embedded cluster, key files, data directories of spawned
  // servers, browser profiles) goes under one directory that globalTeardown removes: workers and
  // the servers they spawn inherit TMPDIR, which os.tmpdir() reads.
  const runTmp = await mkdtemp(join(tmpdir(), 'coder-test-run-'));
  // When run as root, PostgreSQL runs as the `postgres` user, which must pass through it.
  await chmod(runTmp, 0o711);
  globalThis.__RUN_TMP__ = runTmp;
  process.env.TMPDIR = runTmp;

  // Tests that start the server as a child process need an up-to-date dist/. TEST_SKIP_BUILD=1
  // runs the in-process tests while the tree does not compile as a whole (mid-refactor).
  if (process.env.TEST_SKIP_BUILD !== '1') {
    const build = spawnSync(process.execPath, ['scripts/ensure-build.mjs'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
  }

  if (process.env.TEST_DB_MODE === 'embedded') {
    const { startEmbeddedPostgres } = await import('../dist/src/database/embedded-postgres.js');
    const dir = await mkdtemp(join(tmpdir(), 'coder-test-embedded-'));
    // When run as root, PostgreSQL runs as the `postgres` user, which must pass through this directory.
    await chmod(dir, 0o711);
    const embedded = await startEmbeddedPostgres(join(dir, 'postgres'), { purpose: 'test run' });
    globalThis.__EMBEDDED_PG__ = embedded;
    const admin = new URL(embedded.url);
    admin.pathname = '/postgres';
    process.env.TEST_ADMIN_DATABASE_URL = admin.toString();
    process.stderr.write(
      `\nTests use the embedded PostgreSQL (as \`npm start\`), in ${dir} (a fresh database per test file).\n`,
    );
  } else {
    process.stderr.write(
      `\nTests use PostgreSQL at ${new URL(process.env.TEST_ADMIN_DATABASE_URL).host} (a fresh database per test file).\n`,
    );
  }
}
