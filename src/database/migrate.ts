import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './database.options.js';
import { connectionProblem } from '../common/pg-errors.js';

/** Session-level advisory lock key: one migrator at a time across replicas. */
const MIGRATION_LOCK = 7_245_000;

/** Connecting failed for good: `reason` is one line (no password), `retryable` says whether waiting was tried. */
export class DatabaseConnectError extends Error {
  constructor(
    readonly reason: string,
    readonly retryable: boolean,
    /** How long start-up waited before giving up (0 when the error could not fix itself). */
    readonly waitedMs: number,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'DatabaseConnectError';
  }
}

export interface MigrationOptions {
  /** How long to keep trying while PostgreSQL is unreachable or starting (default 30 s). */
  waitMs?: number;
  /** Pause between attempts (default 1 s). */
  retryEveryMs?: number;
  /** Called on the first failed attempt and then at most every `reportEveryMs` (default 5 s) while waiting. */
  onWaiting?: (reason: string, waitedMs: number) => void;
  reportEveryMs?: number;
  /** Called once connected, before the migrations run. */
  onConnected?: () => void;
}

/**
 * Applies pending migrations before the app starts and returns the names of those applied. A
 * session advisory lock held on a second connection makes replicas that start together take turns
 * instead of racing. An unreachable or starting PostgreSQL (containers, a reboot) is waited for a
 * while; a wrong password, an unknown role or database, an unknown host or a malformed URL fail at
 * once with a DatabaseConnectError.
 */
export async function runMigrations(url: string, options: MigrationOptions = {}): Promise<string[]> {
  const ds = await connect(url, options);
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

async function connect(url: string, options: MigrationOptions): Promise<DataSource> {
  const waitMs = options.waitMs ?? 30_000;
  const retryEveryMs = options.retryEveryMs ?? 1000;
  const reportEveryMs = options.reportEveryMs ?? 5000;
  let ds: DataSource;
  try {
    ds = new DataSource(buildDataSourceOptions({ url, poolMax: 2, applicationName: 'coder-migrations' }));
  } catch (err) {
    // TypeORM parses the URL here (a bad percent-escape in the user name or password throws).
    throw new DatabaseConnectError(connectionProblem(err).reason, false, 0, { cause: err });
  }
  const started = Date.now();
  let reported: number | undefined;
  for (;;) {
    try {
      await ds.initialize();
      options.onConnected?.();
      return ds;
    } catch (err) {
      const problem = connectionProblem(err);
      const waited = Date.now() - started;
      if (!problem.retryable) throw new DatabaseConnectError(problem.reason, false, 0, { cause: err });
      if (waited + retryEveryMs > waitMs) throw new DatabaseConnectError(problem.reason, true, waited, { cause: err });
      if (reported === undefined || waited - reported >= reportEveryMs) {
        reported = waited;
        options.onWaiting?.(problem.reason, waited);
      }
      await new Promise((resolve) => setTimeout(resolve, retryEveryMs));
    }
  }
}
