import { type DynamicModule, Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditStore } from './audit-store';
import { buildDataSourceOptions } from './data-source-options';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { ErasureStore } from './erasure-store';
import { ProfileAliasStore } from './profile-alias-store';
import { ProjectStore } from './project-store';

export interface DatabaseOptions {
  /** PostgreSQL server URL; undefined = embedded PGlite in `embeddedDir`. */
  url?: string;
  embeddedDir: string;
  poolSize: number;
  /** Embedded only: use the database another live process serves, if one does (the CLI). */
  attach?: boolean;
}

/** Holds what must be closed, in order: the pool first, then the embedded server. */
class DatabaseHandle {
  constructor(
    readonly dataSource: DataSource,
    readonly embedded?: EmbeddedPostgres,
  ) {}
}

// Any constant works; it only has to be the same on every node running migrations.
const MIGRATION_LOCK_KEY = 7_202_611;

async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const logger = new Logger('Database');
  const embedded = options.url
    ? undefined
    : await startEmbeddedPostgres(options.embeddedDir, { maxConnections: options.poolSize, attach: options.attach });
  const dataSource = new DataSource(
    buildDataSourceOptions({ url: options.url ?? embedded!.url, poolSize: options.poolSize, embedded: !options.url }),
  );
  try {
    await dataSource.initialize();
    // Several nodes may start at once against one server: one runs the migrations, the others wait.
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      for (const m of ran) logger.log(`applied migration ${m.name}`);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await runner.release();
    }
  } catch (e) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw e;
  }
  logger.log(
    options.url
      ? 'connected to PostgreSQL server'
      : embedded?.ownerPid
        ? `embedded PostgreSQL (PGlite) in ${options.embeddedDir}, served by process ${embedded.ownerPid}`
        : `embedded PostgreSQL (PGlite) in ${options.embeddedDir}`,
  );
  return new DatabaseHandle(dataSource, embedded);
}

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DatabaseHandle) private readonly handle: DatabaseHandle) {}

  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DatabaseHandle, useFactory: () => openDatabase(options) },
        { provide: DataSource, useFactory: (h: DatabaseHandle) => h.dataSource, inject: [DatabaseHandle] },
        ProjectStore,
        ProfileAliasStore,
        AuditStore,
        ErasureStore,
      ],
      exports: [DataSource, ProjectStore, ProfileAliasStore, AuditStore, ErasureStore],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.handle.dataSource.isInitialized) await this.handle.dataSource.destroy();
    await this.handle.embedded?.stop();
  }
}
