import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/config.schema.js';
import { buildDataSourceOptions } from '../database/database.options.js';
import {
  EmbeddedDatabaseError,
  embeddedDataDir,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from '../database/embedded-postgres.js';
import { ALL_ENTITIES } from '../entities.js';

/**
 * The DataSource the TypeORM CLI loads (`npm run migration:run|revert|check`). It opens exactly the
 * database the server uses: CODER_PG_CONNECTION_URL, or else the embedded PostgreSQL in
 * CODER_DATA_DIR/postgres, which it starts for the command and stops after. While a server holds
 * the embedded database the command refuses (one line, exit 1): stop the server first.
 */
async function resolveDatabase(): Promise<{ url: string; embedded?: EmbeddedPostgres }> {
  try {
    const config = loadConfig();
    if (config.pgConnectionUrl !== undefined) return { url: config.pgConnectionUrl };
    const embedded = await startEmbeddedPostgres(embeddedDataDir(config.dataDir), { purpose: 'migration command' });
    return { url: embedded.url, embedded };
  } catch (err) {
    if (err instanceof EmbeddedDatabaseError || err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

const { url, embedded } = await resolveDatabase();

class CliDataSource extends DataSource {
  /** TypeORM's commands destroy the DataSource on every path before they exit. */
  override async destroy(): Promise<void> {
    try {
      if (this.isInitialized) await super.destroy();
    } finally {
      await embedded?.stop();
    }
  }
}

export default new CliDataSource(
  buildDataSourceOptions({ url, poolMax: 2, applicationName: 'coder-migrations', entities: ALL_ENTITIES }),
);
