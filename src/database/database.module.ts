import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/config.schema.js';
import { buildDataSourceOptions } from './database.options.js';
import { EMBEDDED_MAX_CONNECTIONS } from './embedded-postgres.js';

/** How this process reaches PostgreSQL: the configured server, or the embedded one. */
export interface DatabaseConnection {
  url: string;
  embedded: boolean;
}

export const DATABASE_CONNECTION = Symbol('DATABASE_CONNECTION');

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig, connection: DatabaseConnection): DynamicModule {
    const logger = new Logger('Database');
    // The embedded server multiplexes a fixed number of connections; keep headroom for the migrator.
    const poolMax = connection.embedded ? Math.min(config.pgPoolMax, EMBEDDED_MAX_CONNECTIONS - 2) : config.pgPoolMax;
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...buildDataSourceOptions({
              url: connection.url,
              poolMax,
              onPoolError: (err) => logger.warn(`idle database connection failed: ${err.message}`),
            }),
            retryAttempts: 10,
            retryDelay: 1000,
          }),
        }),
      ],
      providers: [{ provide: DATABASE_CONNECTION, useValue: connection }],
      exports: [DATABASE_CONNECTION],
    };
  }
}
