import type { NestExpressApplication } from '@nestjs/platform-express';
import type pg from 'pg';
import request from 'supertest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.schema.js';
import { connect, createTestDatabase, usingEmbeddedDatabase } from './database.js';
import { testLicenseKey } from './licenses.js';
import { setupOwner, type Owner } from './world.js';

export interface TestApp {
  app: NestExpressApplication;
  /** supertest bound to the running server. */
  http: ReturnType<typeof request>;
  baseUrl: string;
  databaseUrl: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment (CODER_* variables) for this app. */
  env?: Record<string, string>;
  /** Reuse a database (e.g. a second replica); default is a fresh one. */
  databaseUrl?: string;
}

/** Boots the whole application (same pipeline as production) on a fresh database and a free port. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const config = loadConfig({
    CODER_LICENSE_KEYS_FILE: (await testLicenseKey()).path,
    CODER_PG_CONNECTION_URL: databaseUrl,
    CODER_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    CODER_API_RATE_LIMIT: '-1',
    CODER_HTTP_ADDRESS: '127.0.0.1:0',
    CODER_PG_POOL_MAX: '5',
    ...options.env,
  });
  const app = await createApp({ config, database: { url: databaseUrl, embedded: usingEmbeddedDatabase() } });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    http: request(baseUrl),
    baseUrl,
    databaseUrl,
    close: () => app.close(),
  };
}

/** A running app, a direct database connection for assertions, and (usually) its first user. */
export interface World {
  t: TestApp;
  db: pg.Client;
  owner: Owner;
}

export async function openWorld(
  options: TestAppOptions & { ownerName?: string; withoutOwner?: boolean } = {},
): Promise<World> {
  const t = await startTestApp(options);
  const db = await connect(t.databaseUrl);
  const owner = options.withoutOwner ? (undefined as unknown as Owner) : await setupOwner(t, options.ownerName);
  return { t, db, owner };
}

export async function closeWorld(t: TestApp | undefined, db: pg.Client | undefined): Promise<void> {
  await db?.end();
  await t?.close();
}
