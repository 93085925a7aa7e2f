import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Runs outside the test sandbox, once per run.
export default async function globalSetup() {
  // Tests that start the server as a child process need an up-to-date dist/.
  const build = spawnSync(process.execPath, ['scripts/ensure-build.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');

  if (process.env.TEST_DB_MODE === 'pglite') {
    const { startEmbeddedPostgres } = await import('../dist/src/database/embedded-postgres.js');
    const dir = await mkdtemp(join(tmpdir(), 'coder-test-pglite-'));
    const embedded = await startEmbeddedPostgres(dir);
    globalThis.__EMBEDDED_PG__ = embedded;
    process.env.TEST_PGLITE_URL = embedded.url;
    process.stderr.write(`\nTests use the embedded PostgreSQL (PGlite): no PostgreSQL server answered.\n`);
  } else {
    process.stderr.write(`\nTests use PostgreSQL at ${new URL(process.env.TEST_ADMIN_DATABASE_URL).host} (a fresh database per test file).\n`);
  }
}
