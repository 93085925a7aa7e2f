import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './database.options.js';

/** Session-level advisory lock key: one migrator at a time across replicas. */
const MIGRATION_LOCK = 7_245_000;

/**
 * Applies pending migrations before the app starts. A session advisory lock held on a second
 * connection makes replicas that start together take turns instead of racing.
 */
export async function runMigrations(url: string, options: { attempts?: number; onRetry?: (err: Error) => void } = {}): Promise<string[]> {
  const ds = new DataSource(buildDataSourceOptions({ url, poolMax: 2, applicationName: 'coder-migrations' }));
  // PostgreSQL may still be starting (containers, a reboot): wait for it a while before giving up.
  const attempts = options.attempts ?? 30;
  for (let attempt = 1; ; attempt++) {
    try {
      await ds.initialize();
      break;
    } catch (err) {
      if (attempt >= attempts) throw err;
      options.onRetry?.(err as Error);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  const lock = ds.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
    await ds.destroy();
  }
}
