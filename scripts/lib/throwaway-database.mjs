// A database for one script run (bench, fuzz): a fresh database on a PostgreSQL server (`adminUrl`,
// default the local one), dropped afterwards, or, with `embedded`, a throwaway CODER_DATA_DIR so the
// server starts its own embedded PostgreSQL there. Sets CODER_PG_CONNECTION_URL / CODER_DATA_DIR in
// `env`; returns the cleanup.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export async function throwawayDatabase(env, { embedded = false, adminUrl, prefix = 'coder_script' } = {}) {
  if (embedded) {
    const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    // Run as root, the embedded PostgreSQL runs as the `postgres` user, which must pass through.
    chmodSync(dir, 0o711);
    env.CODER_DATA_DIR = join(dir, 'data');
    delete env.CODER_PG_CONNECTION_URL;
    return async () => rmSync(dir, { recursive: true, force: true });
  }
  const admin = adminUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  env.CODER_PG_CONNECTION_URL = url.toString();
  return async () => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  };
}
