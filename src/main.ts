import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { HTTP_DRAINING_EVENT } from './common/http/draining.js';
import { ConfigError, helpText, loadConfig, type AppConfig } from './config/config.schema.js';

/** Everything on SIGTERM/SIGINT, the embedded database included, ends within this (under a supervisor's 10 s). */
const SHUTDOWN_TIMEOUT_MS = 9_500;
/** Of which draining requests and closing the app may take this; the embedded database's stop gets the rest. */
const DRAIN_TIMEOUT_MS = 2_500;

/** How long start-up waits for an unreachable or starting PostgreSQL. */
const DATABASE_WAIT_MS = 30_000;

/** What is running, for the shutdown and failure paths. */
interface Run {
  config: AppConfig;
  log: Logger;
  format: 'pretty' | 'json';
  embedded?: { url: string; created?: boolean; stop(): Promise<void> };
  app?: NestExpressApplication;
  stopping: boolean;
}

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
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
  const { errorSerializer, guardStream, logDestination, pinoHooks, resolveLogFormat } =
    await import('./common/http/logging.js');
  // A vanished terminal or reader (EIO, EPIPE) turns output off; it never crashes or blocks shutdown.
  guardStream(process.stdout);
  guardStream(process.stderr);
  const format = resolveLogFormat(config.logFormat, process.stdout.isTTY === true);
  const log = pino(
    { level: config.logLevel, name: 'coder', hooks: pinoHooks, serializers: { err: errorSerializer } },
    logDestination(format),
  );
  // A stray rejection is a bug to log, not a reason to drop every connection.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));
  const run: Run = { config, log, format, stopping: false };
  // From the start, so a signal during start-up still stops the embedded database.
  process.on('SIGTERM', () => void shutdown(run, 'SIGTERM'));
  process.on('SIGINT', () => void shutdown(run, 'SIGINT'));
  // Writing to a terminal, SIGHUP means the terminal went away (window closed, ssh dropped): stop, as
  // an interactive program does. With output redirected (a service, `nohup`, `> log &`), SIGHUP only
  // re-reads the license keys.
  if (process.stdout.isTTY || process.stderr.isTTY) {
    process.on('SIGHUP', () => void shutdown(run, 'SIGHUP'));
  }
  await start(run).catch((err: unknown) => fail(run, err));
}

/** The start-up phases, one progress line each: database, migrations, listening. */
async function start(run: Run): Promise<void> {
  const { config, log } = run;
  const { checkListenAddress, asListenAddressError } = await import('./common/http/listen-address.js');
  const { formatElapsed } = await import('./startup-messages.js');
  // The listen address first: a taken port is reported before any database is started or touched.
  await checkListenAddress(config.httpHost, config.httpPort);

  let phaseStart = Date.now();
  const phaseDone = (phase: string, message: string, fields: Record<string, unknown> = {}) => {
    const ms = Date.now() - phaseStart;
    log.info({ phase, durationMs: ms, ...fields }, `${message} (${formatElapsed(ms)})`);
    phaseStart = Date.now();
  };

  let url: string;
  if (config.pgConnectionUrl) {
    url = config.pgConnectionUrl;
  } else {
    const { startEmbeddedPostgres, embeddedDataDir } = await import('./database/embedded-postgres.js');
    const dir = embeddedDataDir(config.dataDir);
    const embedded = await startEmbeddedPostgres(dir, { log: (line) => log.info(line) });
    run.embedded = embedded;
    url = embedded.url;
    phaseDone(
      'database',
      `database: embedded PostgreSQL ${embedded.created ? 'initialised a new cluster in' : 'started on'} ${dir}`,
    );
  }

  // Migrations before the app is loaded (seconds of module loading): a bad URL fails fast.
  const { runMigrations } = await import('./database/migrate.js');
  const { describeDatabaseUrl } = await import('./common/pg-errors.js');
  const where = config.pgConnectionUrl
    ? `PostgreSQL at ${describeDatabaseUrl(config.pgConnectionUrl)} (CODER_PG_CONNECTION_URL)`
    : 'the embedded PostgreSQL';
  const applied = await runMigrations(url, {
    waitMs: DATABASE_WAIT_MS,
    onWaiting: (reason, waitedMs) =>
      log.warn(
        waitedMs < 1000
          ? `waiting up to ${formatElapsed(DATABASE_WAIT_MS)} for ${where}: ${reason}`
          : `still waiting for ${where} (${formatElapsed(waitedMs)}): ${reason}`,
      ),
    onConnected: () => {
      if (config.pgConnectionUrl) phaseDone('database', `database: connected to ${where}`);
    },
  });
  phaseDone('migrations', `migrations: ${applied.length === 0 ? 'none pending' : `${applied.length} applied`}`, {
    applied: applied.length,
  });

  const { createApp } = await import('./app.factory.js');
  const app = await createApp(
    { config, database: { url, embedded: !config.pgConnectionUrl } },
    { migrationsApplied: true },
  );
  run.app = app;
  await app.listen(config.httpPort, config.httpHost).catch(async (err: unknown) => {
    await app.close().catch(() => undefined);
    throw asListenAddressError(err, config.httpHost, config.httpPort);
  });
  phaseDone('listening', `listening on ${config.accessUrl}`);
  log.info(`Swagger UI: ${config.accessUrl}/swagger`);
  await printFirstUserHint(run, app);
}

/** While nobody can sign in, say how to create the first user: plain lines on a terminal, a log entry in JSON. */
async function printFirstUserHint(run: Run, app: NestExpressApplication): Promise<void> {
  const { DataSource } = await import('typeorm');
  const { firstUserCommand, firstUserHint } = await import('./startup-messages.js');
  const { writeSafely } = await import('./common/http/logging.js');
  const rows = (await app
    .get(DataSource)
    .query('SELECT EXISTS (SELECT 1 FROM users WHERE NOT deleted) AS "exists"')
    .catch(() => [{ exists: true }])) as { exists: boolean }[];
  if (rows[0]?.exists || run.stopping) return;
  if (run.format === 'pretty') writeSafely(process.stdout, firstUserHint(run.config.accessUrl));
  else
    run.log.info(
      { firstUserCommand: firstUserCommand(run.config.accessUrl) },
      'no user exists yet: create the first one with the command in firstUserCommand',
    );
}

/** Start-up failed: one line for the causes a user can fix, the error in full for the rest; exit 1. */
async function fail(run: Run, err: unknown): Promise<void> {
  // A signal during start-up makes the rest fail; the shutdown under way reports and exits.
  if (run.stopping) return;
  try {
    const { writeSafely } = await import('./common/http/logging.js');
    const line = await failureLine(run, err);
    if (line) writeSafely(process.stderr, `${line}\n`);
    else run.log.fatal({ err }, 'server failed to start');
    await run.embedded?.stop().catch(() => undefined);
  } finally {
    process.exit(1);
  }
}

async function failureLine(run: Run, err: unknown): Promise<string | undefined> {
  const { DatabaseConnectError } = await import('./database/migrate.js');
  if (err instanceof DatabaseConnectError) {
    const { databaseFailureMessage } = await import('./startup-messages.js');
    return databaseFailureMessage(err, run.config.pgConnectionUrl ? { url: run.config.pgConnectionUrl } : undefined);
  }
  const { ListenAddressError } = await import('./common/http/listen-address.js');
  const { EmbeddedDatabaseError } = await import('./database/embedded-postgres.js');
  if (err instanceof ListenAddressError || err instanceof EmbeddedDatabaseError) return err.message;
  const { MetricsListenError } = await import('./core/metrics/metrics-listener.js');
  return err instanceof MetricsListenError ? err.message : undefined;
}

/** Drain requests, close the app, stop the embedded database, exit: within SHUTDOWN_TIMEOUT_MS whatever happens. */
async function shutdown(run: Run, signal: string): Promise<void> {
  if (run.stopping) return;
  run.stopping = true;
  const { log } = run;
  log.info(`shutting down (${signal}): draining requests`);
  const force = setTimeout(() => {
    log.error('shutdown timed out; exiting');
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  force.unref();
  let code = 0;
  if (run.app) {
    await withTimeout(closeApp(run.app), DRAIN_TIMEOUT_MS, 'draining requests').catch((err: unknown) => {
      log.error({ err }, 'error during shutdown');
      code = 1;
    });
  }
  await run.embedded?.stop().catch((err: unknown) => {
    log.error({ err }, 'error stopping the embedded PostgreSQL');
    code = 1;
  });
  log.info('shutdown complete');
  process.exit(code);
}

/** Stop accepting connections and let in-flight requests finish before the pool closes. */
async function closeApp(app: NestExpressApplication): Promise<void> {
  const server = app.getHttpServer();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.emit(HTTP_DRAINING_EVENT);
  await closed;
  await app.close();
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

void main();
