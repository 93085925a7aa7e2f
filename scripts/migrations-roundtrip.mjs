#!/usr/bin/env node
// CI check that every migration's `down` works: applies all migrations, reverts them one by one
// to an empty schema, then applies them again. Uses CODER_PG_CONNECTION_URL.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../dist/src/database/database.options.js';

const url = process.env.CODER_PG_CONNECTION_URL;
if (!url) {
  console.error('CODER_PG_CONNECTION_URL must be set');
  process.exit(2);
}
const ds = new DataSource(buildDataSourceOptions({ url, poolMax: 2, applicationName: 'coder-migration-roundtrip' }));
await ds.initialize();
try {
  const applied = await ds.runMigrations({ transaction: 'each' });
  let reverted = 0;
  while ((await ds.query('SELECT count(*)::int AS n FROM typeorm_migrations'))[0].n > 0) {
    await ds.undoLastMigration({ transaction: 'each' });
    reverted++;
  }
  const leftovers = await ds.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'typeorm_migrations'`,
  );
  if (leftovers.length > 0)
    throw new Error(`tables left after reverting everything: ${leftovers.map((r) => r.tablename).join(', ')}`);
  const reapplied = await ds.runMigrations({ transaction: 'each' });
  console.log(
    `migrations: ${applied.length} applied, ${reverted} reverted to an empty schema, ${reapplied.length} re-applied`,
  );
} finally {
  await ds.destroy();
}
