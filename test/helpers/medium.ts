import type { DynamicModule, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type pg from 'pg';
import { ConfigModule } from '../../src/config/config.module.js';
import { loadConfig } from '../../src/config/config.schema.js';
import { DatabaseModule } from '../../src/database/database.module.js';
import { runMigrations } from '../../src/database/migrate.js';
import { ALL_ENTITIES } from '../../src/entities.js';
import { connect, createTestDatabase, usingEmbeddedDatabase } from './database.js';

/**
 * The medium test layer: the named modules (services and repositories) on a fresh, migrated
 * database, without HTTP, guards or the rest of the app. For rules and statements that an e2e
 * test would reach only through several requests.
 */
export interface Medium {
  module: TestingModule;
  /** A direct connection for arranging and asserting stored state. */
  db: pg.Client;
  databaseUrl: string;
  close(): Promise<void>;
}

export async function openMedium(imports: (Type<unknown> | DynamicModule)[] = []): Promise<Medium> {
  const databaseUrl = await createTestDatabase();
  await runMigrations(databaseUrl);
  const config = loadConfig({
    CODER_PG_CONNECTION_URL: databaseUrl,
    CODER_LOG_LEVEL: 'silent',
    CODER_PG_POOL_MAX: '4',
  });
  const module = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      DatabaseModule.forRoot(config, { url: databaseUrl, embedded: usingEmbeddedDatabase() }, ALL_ENTITIES),
      ...imports,
    ],
  }).compile();
  await module.init();
  const db = await connect(databaseUrl);
  return {
    module,
    db,
    databaseUrl,
    close: async () => {
      await db.end();
      await module.close();
    },
  };
}
