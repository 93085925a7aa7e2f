import 'reflect-metadata';
import { join } from 'node:path';
import { HTTP_DRAINING_EVENT } from './common/http/draining.js';
import { ConfigError, helpText, loadConfig, type AppConfig } from './config/config.schema.js';
import type { DatabaseConnection } from './database/database.module.js';
import type { EmbeddedPostgres } from './database/embedded-postgres.js';

const SHUTDOWN_TIMEOUT_MS = 30_000;

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nRun with --help to list the variables.\n`);
      process.exit(2);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(helpText());
    return;
  }
  const config = readConfig();
  // Loaded only now, so --help and configuration errors answer instantly.
  const { pino } = await import('pino');
  const { createApp } = await import('./app.factory.js');
  const { startEmbeddedPostgres } = await import('./database/embedded-postgres.js');
  const { errorSerializer } = await import('./common/http/logging.js');
  const log = pino({ level: config.logLevel, name: 'coder', serializers: { err: errorSerializer } });
  let embedded: EmbeddedPostgres | undefined;
  let database: DatabaseConnection;
  if (config.pgConnectionUrl) {
    database = { url: config.pgConnectionUrl, embedded: false };
    log.info('using PostgreSQL from CODER_PG_CONNECTION_URL');
  } else {
    const dir = join(config.dataDir, 'postgres');
    log.info({ dataDir: dir }, 'CODER_PG_CONNECTION_URL is not set: starting the embedded PostgreSQL (PGlite)');
    embedded = await startEmbeddedPostgres(dir);
    database = { url: embedded.url, embedded: true };
  }

  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    app = await createApp({ config, database });
    await app.listen(config.httpPort, config.httpHost);
  } catch (err) {
    log.fatal({ err }, 'server failed to start');
    await embedded?.stop();
    process.exit(1);
  }

  log.info(`Coder Enterprise API server listening on ${config.accessUrl} (database: ${embedded ? 'embedded' : 'PostgreSQL'})`);
  log.info(`Swagger UI: ${config.accessUrl}/swagger`);
  log.info(
    `No user yet? Create the first one: curl -X POST ${config.accessUrl}/api/v2/users/first ` +
      `-H 'Content-Type: application/json' -d '{"email":"admin@example.com","username":"admin","password":"SomeStrongPassword!"}'`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining requests');
    const force = setTimeout(() => {
      log.error('shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    try {
      // Stop accepting connections and let in-flight requests finish before the pool closes.
      const server = app.getHttpServer();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.emit(HTTP_DRAINING_EVENT);
      await closed;
      await app.close();
      await embedded?.stop();
      log.info('shutdown complete');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // A stray rejection is a bug to log, not a reason to drop every connection.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));
}

void main();
