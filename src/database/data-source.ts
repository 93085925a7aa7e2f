import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config.schema.js';
import { buildDataSourceOptions } from './database.options.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/**
 * The DataSource the TypeORM CLI loads (`npm run migration:run|revert|check`). It reads the same
 * configuration as the server: CODER_PG_CONNECTION_URL, or else the embedded database in CODER_DATA_DIR.
 */
const config = loadConfig();
let url = config.pgConnectionUrl;
if (url === undefined) {
  const embedded = await startEmbeddedPostgres(config.dataDir);
  url = embedded.url;
  process.once('exit', () => void embedded.stop());
}

export default new DataSource(buildDataSourceOptions({ url, poolMax: 2, applicationName: 'coder-migrations' }));
