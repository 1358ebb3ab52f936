import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { SerialPgClient } from './serial-pg-client';
import { ParameterFreeLogger } from './typeorm-logger';

export interface DatabaseConnection {
  url: string;
  poolSize: number;
  /** The embedded database (pglite-socket): one statement or transaction at a time (SerialPgClient). */
  embedded?: boolean;
}

/** TypeORM migrations live in src/migrations; this path works from sources and from dist. */
export const MIGRATIONS_GLOB = join(__dirname, '..', '..', '..', 'src', 'migrations', '*.{ts,js}');

/** One options builder for the app and for the TypeORM CLI (ormconfig.ts). */
export function buildDataSourceOptions(conn: DatabaseConnection): DataSourceOptions {
  return {
    type: 'postgres',
    url: conn.url,
    entities: ENTITIES,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // PGlite has no uuid-ossp; gen_random_uuid() is core since PostgreSQL 13.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    poolSize: conn.poolSize,
    ...(conn.embedded ? { extra: { Client: SerialPgClient } } : {}),
    applicationName: 'openpanel-compatible-api',
    logger: new ParameterFreeLogger(),
  };
}
