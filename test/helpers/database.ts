import pg from 'pg';

let counter = 0;

/** True when the suite runs on the embedded PostgreSQL of `npm start` (TEST_DB=embedded). */
export const usingEmbeddedDatabase = () => process.env.TEST_DB_MODE === 'embedded';

/** A fresh, empty database for one test file (dropped by the global teardown). */
export async function createTestDatabase(): Promise<string> {
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
