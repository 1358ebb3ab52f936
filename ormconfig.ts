import { DataSource } from 'typeorm';
import { buildDataSourceOptions, startEmbeddedPostgres } from './libs/database/src';
import { databaseLocation, loadConfig } from './src/config';

/**
 * The DataSource the TypeORM CLI uses (`npm run migration:generate|run|revert`). Same
 * options builder as the app; without DATABASE_URL it opens the embedded database, so stop
 * the server first in that case.
 */
async function cliDataSource(): Promise<DataSource> {
  const where = databaseLocation(loadConfig());
  const url = where.url ?? (await startEmbeddedPostgres(where.embeddedDir, { maxConnections: 1 })).url;
  return new DataSource(buildDataSourceOptions({ url, poolSize: 1 }));
}

export default cliDataSource();
