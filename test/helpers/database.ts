import pg from 'pg';

let counter = 0;

export const usingEmbeddedDatabase = () => process.env.TEST_DB_MODE === 'pglite';

/**
 * A fresh, empty database for one test file: on PostgreSQL a new database (dropped by the global
 * teardown); on the embedded PGlite (one database, suite in band) the schema is wiped instead.
 */
export async function createTestDatabase(): Promise<string> {
  if (usingEmbeddedDatabase()) {
    const url = process.env.TEST_PGLITE_URL;
    if (!url) throw new Error('TEST_PGLITE_URL is not set (global setup did not start PGlite)');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('DROP SCHEMA public CASCADE');
      await client.query('CREATE SCHEMA public');
    } finally {
      await client.end();
    }
    return url;
  }
  const admin = process.env.TEST_ADMIN_DATABASE_URL;
  if (!admin) throw new Error('TEST_ADMIN_DATABASE_URL is not set');
  const name = `coder_test_${process.env.TEST_RUN_ID}_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 7)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A direct connection for assertions on stored state. */
export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}
