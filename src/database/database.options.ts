import type { DataSourceOptions } from 'typeorm';
import { ALL_MIGRATIONS } from '../../migrations/index.js';
import { SnakeNamingStrategy } from './naming.strategy.js';
import { POOL_TYPES } from './timestamptz.js';

export interface DatabaseOptionsInput {
  url: string;
  poolMax: number;
  /** Called for errors on idle pooled connections (e.g. PostgreSQL restarted); must not throw. */
  onPoolError?: (err: Error) => void;
  applicationName?: string;
  /**
   * The entity classes (the app's registry, src/entities.ts). Running migrations needs none; the
   * database layer never imports the feature modules that define them.
   */
  entities?: NonNullable<DataSourceOptions['entities']>;
}

/** The one definition of how we talk to PostgreSQL, shared by the app and the migration CLI. */
export function buildDataSourceOptions(input: DatabaseOptionsInput): DataSourceOptions {
  return {
    type: 'postgres',
    url: input.url,
    entities: input.entities ?? [],
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    namingStrategy: new SnakeNamingStrategy(),
    applicationName: input.applicationName ?? 'coder-enterprise-server',
    poolSize: input.poolMax,
    connectTimeoutMS: 5000,
    poolErrorHandler: input.onPoolError ?? (() => undefined),
    extra: {
      // A dead connection is noticed quickly instead of hanging a request forever.
      keepAlive: true,
      idleTimeoutMillis: 30_000,
      statement_timeout: 30_000,
      // timestamptz read by position instead of by pg's regular expressions (timestamptz.ts).
      types: POOL_TYPES,
    },
  };
}
