import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppOptions } from './app.module.js';
import { MESSAGES } from './common/errors.js';
import { applyHttpSetup } from './common/http/http-setup.js';
import { ErrorDelegates } from './common/http/error-delegates.js';
import { RouteTable } from './common/http/route-table.js';
import { setupSwagger } from './common/http/swagger.js';
import { MetricsService } from './core/metrics/metrics.service.js';
import { runMigrations } from './database/migrate.js';
import { ScimExceptionFilter } from './enterprise/scim/scim-exception.filter.js';
import { isScimPath, SCIM_UNPREFIXED_ROUTES } from './enterprise/scim/scim.constants.js';

/** Paths served outside `/api/v2` (as in Coder). */
export const ROOT_PATHS = ['healthz', 'metrics', ...SCIM_UNPREFIXED_ROUTES];

/**
 * Builds the fully configured application (used by main.ts and by the e2e tests, so both run the
 * same pipeline). Pending migrations are applied first.
 */
export async function createApp(options: AppOptions): Promise<NestExpressApplication> {
  await runMigrations(options.database.url, {
    onRetry: (err) => new NestLogger('Database').warn(`waiting for PostgreSQL: ${err.message}`),
  });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  applyHttpSetup(app, app.get(MetricsService).middleware, options.config.accessUrl.startsWith('https:'), isScimPath);
  app.setGlobalPrefix('api/v2', { exclude: ROOT_PATHS });
  setupSwagger(app);
  await app.init();
  app.get(RouteTable).load(app);
  // With SCIM on, errors under its mounts that no SCIM controller sees (unknown paths, undecodable
  // ids) are SCIM errors too; with it off, those paths do not exist (Coder's 404).
  if (options.config.scimAuthHeader !== undefined) app.get(ErrorDelegates).add(isScimPath, new ScimExceptionFilter());
  // Nest answers misses under `/api/v2` and on its excluded paths; everything else (`/api/v3/…`,
  // `/`) would get Express' HTML page. Keep the envelope there too. Must stay the last handler.
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ message: MESSAGES.routeNotFound });
  });
  return app;
}
