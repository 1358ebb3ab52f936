import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ClickhouseService, listClickhouseMigrations, runClickhouseMigrations } from '@app/clickhouse';
import { buildDataSourceOptions, startEmbeddedPostgres } from '@app/database';
import { CHDB_PATH, disposeEnv, freshEnv } from './setup/test-app';

describe('Migrations on an empty database, twice in a row', () => {
  it('PostgreSQL: all apply, a second run applies nothing, and the schema matches the entities', async () => {
    const env = await freshEnv();
    const dir = mkdtempSync(join(tmpdir(), 'op-mig-'));
    const embedded = env.DATABASE_URL ? undefined : await startEmbeddedPostgres(join(dir, 'pg'), { maxConnections: 2 });
    const ds = new DataSource(buildDataSourceOptions({ url: env.DATABASE_URL ?? embedded!.url, poolSize: 2 }));
    try {
      await ds.initialize();
      const first = await ds.runMigrations();
      expect(first.length).toBeGreaterThan(0);
      expect(await ds.runMigrations()).toEqual([]);
      // "Generating again yields nothing": the entities and the migrated schema agree.
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      const tables: Array<{ table_name: string }> = await ds.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining(['clients', 'organizations', 'profiles', 'projects', 'references', 'salts']),
      );
    } finally {
      if (ds.isInitialized) await ds.destroy();
      await embedded?.stop();
      rmSync(dir, { recursive: true, force: true });
      await disposeEnv(env);
    }
  });

  it('ClickHouse: all apply in order, a second run applies nothing, tables exist', async () => {
    const database = `mig_${randomBytes(4).toString('hex')}`;
    const ch = new ClickhouseService({ path: CHDB_PATH, database });
    try {
      const first = await runClickhouseMigrations(ch.client, ch.target);
      expect(first.map((m) => m.version)).toEqual(listClickhouseMigrations().map((m) => m.version));
      expect(await runClickhouseMigrations(ch.client, ch.target)).toEqual([]);
      const rs = await ch.client.query({
        query: 'SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name',
        query_params: { db: database },
        format: 'JSONEachRow',
      });
      expect((await rs.json<{ name: string }>()).map((r) => r.name)).toEqual([
        'events',
        'events_ingest',
        'events_ingest_mv',
        'profiles',
        'schema_migrations',
        'session_checkpoint',
        'session_dirty',
        'session_dirty_mv',
        'sessions',
      ]);
    } finally {
      await ch.client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
      await ch.close();
    }
  });
});
