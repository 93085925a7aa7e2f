import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/config.schema.js';
import { buildDataSourceOptions, type DatabaseOptionsInput } from './database.options.js';
import { Database } from './database.js';

/** How this process reaches PostgreSQL: the configured server, or the embedded one. */
export interface DatabaseConnection {
  url: string;
  embedded: boolean;
}

export const DATABASE_CONNECTION = Symbol('DATABASE_CONNECTION');

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(
    config: AppConfig,
    connection: DatabaseConnection,
    entities: DatabaseOptionsInput['entities'],
  ): DynamicModule {
    const logger = new Logger('Database');
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...buildDataSourceOptions({
              url: connection.url,
              entities,
              poolMax: config.pgPoolMax,
              onPoolError: (err) => logger.warn(`idle database connection failed: ${err.message}`),
            }),
            retryAttempts: 10,
            retryDelay: 1000,
          }),
        }),
      ],
      providers: [{ provide: DATABASE_CONNECTION, useValue: connection }, Database],
      exports: [DATABASE_CONNECTION, Database],
    };
  }
}
