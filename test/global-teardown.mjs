import { rm } from 'node:fs/promises';
import pg from 'pg';

export default async function globalTeardown() {
  try {
    await dropRunDatabases();
  } finally {
    if (globalThis.__RUN_TMP__) await rm(globalThis.__RUN_TMP__, { recursive: true, force: true });
  }
}

async function dropRunDatabases() {
  if (globalThis.__EMBEDDED_PG__) {
    // The whole cluster goes, with every database the run created (its directory is in the run's).
    await globalThis.__EMBEDDED_PG__.stop();
    return;
  }
  // Drop every database this run created (one per test file).
  const client = new pg.Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `coder_test_${process.env.TEST_RUN_ID}_%`,
    ]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
