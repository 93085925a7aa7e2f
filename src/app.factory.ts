import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import { AppModule, type AppOptions } from './app.module.js';
import { routeNotFound } from './common/errors.js';
import { ApiExceptionFilter } from './common/http/exception.filter.js';
import { applyHttpSetup, type RequestObserver } from './common/http/http-setup.js';
import { AppLogger, createAppLogger, logRequest, resolveLogFormat } from './common/http/logging.js';
import { ErrorDelegates } from './common/http/error-delegates.js';
import { RouteTable } from './common/http/route-table.js';
import { RoutingExpressAdapter } from './common/http/routing-adapter.js';
import { setupSwagger } from './common/http/swagger.js';
import { MetricsListener } from './core/metrics/metrics-listener.js';
import { AuthenticationMiddleware } from './core/auth/auth.middleware.js';
import { FailedAuthLimiter } from './core/auth/failed-auth-limiter.js';
import { RateLimitMiddleware } from './core/auth/rate-limit.middleware.js';
import { MetricsService } from './core/metrics/metrics.service.js';
import { runMigrations } from './database/migrate.js';
import { scimGuessingGate } from './enterprise/scim/http/scim-auth.guard.js';
import { ScimExceptionFilter } from './enterprise/scim/http/scim-exception.filter.js';
import { isScimPath, SCIM_UNPREFIXED_ROUTES } from './enterprise/scim/discovery/scim.constants.js';

/** Paths served outside `/api/v2` (as in Coder). */
export const ROOT_PATHS = ['healthz', ...SCIM_UNPREFIXED_ROUTES];

/**
 * Builds the fully configured application (used by main.ts and by the e2e tests, so both run the
 * same pipeline). Pending migrations are applied first, unless the caller has just applied them
 * (main.ts does, before loading the app, so a bad database URL fails fast and says so).
 */
export async function createApp(
  options: AppOptions,
  startup: { migrationsApplied?: boolean } = {},
): Promise<NestExpressApplication> {
  if (!startup.migrationsApplied) {
    await runMigrations(options.database.url, {
      onWaiting: (reason) => new NestLogger('Database').warn(`waiting for PostgreSQL: ${reason}`),
    });
  }
  // Coder's router (chi) matches paths exactly: `/API/v2/users` and `/api/v2/users/me/` are not
  // routes there, and must not be here either, or they would reach handlers while skipping
  // anything keyed on the path. Express reads both settings when it creates its router, so they
  // are set on a fresh instance before Nest registers anything.
  const server = express();
  server.set('case sensitive routing', true);
  server.set('strict routing', true);
  const adapter = new RoutingExpressAdapter(server);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), adapter, {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  const log = createAppLogger(
    options.config.logLevel,
    resolveLogFormat(options.config.logFormat, process.stdout.isTTY === true),
  );
  app.useLogger(new AppLogger(log));
  const requestLog: RequestObserver = { finished: (req, res, ms) => logRequest(log, req, res, ms) };
  applyHttpSetup(
    app,
    [app.get(MetricsService).observer, requestLog],
    options.config.accessUrl.startsWith('https:'),
    isScimPath,
    [app.get(RateLimitMiddleware).early, scimGuessingGate(app.get(FailedAuthLimiter), options.config.scimAuthHeader)],
  );
  app.setGlobalPrefix('api/v2', { exclude: ROOT_PATHS });
  // The session check (which never rejects: the guards decide per route) and the per-user rate
  // limit, as plain Express middleware: registered through Nest's MiddlewareConsumer they were
  // ~70 router layers (one per middleware and path excluded from the prefix), walked by every
  // request. Both act on `/api/` paths only.
  const authentication = app.get(AuthenticationMiddleware);
  const rateLimits = app.get(RateLimitMiddleware);
  app.use((req: Request, res: Response, next: NextFunction) => void authentication.use(req, res, next));
  app.use((req: Request, res: Response, next: NextFunction) => rateLimits.use(req, res, next));
  adapter.routeByPrefix();
  // After routeByPrefix: Swagger's routes are dispatched by prefix too, not walked by every API request.
  setupSwagger(app);
  await app.init();
  app.get(RouteTable).load(app);
  // With SCIM on, errors under its mounts that no SCIM controller sees (unknown paths, undecodable
  // ids) are SCIM errors too; with it off, those paths do not exist (Coder's 404).
  if (options.config.scimAuthHeader !== undefined) app.get(ErrorDelegates).add(isScimPath, new ScimExceptionFilter());
  // Nest answers misses under `/api/v2` and on its excluded paths; everything else (`/api/v3/…`,
  // `/`) would get Express' HTML page. Keep the envelope there too. Must stay the last handler.
  app.use((_req: Request, _res: Response, next: NextFunction) => next(routeNotFound()));
  // Errors passed down Express' chain (the body parser's, the rate limiter's, the miss above)
  // are answered by the same filter as everything Nest catches: one writer of error bodies.
  const filter = app.get(ApiExceptionFilter);
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) =>
    filter.catch(err, new ExecutionContextHost([req, res, next])),
  );
  // Prometheus is served on its own address (CODER_PROMETHEUS_*), never on the API's. It binds
  // here, so a taken address fails the start like a taken API port, without leaving the app open.
  await app
    .get(MetricsListener)
    .start()
    .catch(async (err: unknown) => {
      await app.close();
      throw err;
    });
  return app;
}
