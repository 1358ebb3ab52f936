import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { type DdlTarget, renderDdl } from './ddl';
import { toClickhouseDateTime } from '@app/common';

export interface ClickhouseMigration {
  version: number;
  name: string;
  file: string;
}

export const CLICKHOUSE_MIGRATIONS_DIR = join(__dirname, 'migrations');

const MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS {{db}}.schema_migrations {{on_cluster}}
(version UInt32, name String, applied_at DateTime64(3, 'UTC'))
ENGINE = {{engine:MergeTree()}} ORDER BY version`;

/** Lists `NNNN_name.sql` files sorted by their number (numerically, not by file name). */
export function listClickhouseMigrations(dir = CLICKHOUSE_MIGRATIONS_DIR): ClickhouseMigration[] {
  const seen = new Map<number, string>();
  const out: ClickhouseMigration[] = [];
  for (const file of readdirSync(dir)) {
    const m = /^(\d+)_([\w-]+)\.sql$/.exec(file);
    if (!m) continue;
    const version = Number(m[1]);
    const clash = seen.get(version);
    if (clash) throw new Error(`two ClickHouse migrations share version ${version}: ${clash}, ${file}`);
    seen.set(version, file);
    out.push({ version, name: m[2], file: join(dir, file) });
  }
  return out.sort((a, b) => a.version - b.version);
}

/**
 * Applies every migration not yet recorded in `schema_migrations`, in order, recording
 * each once it has run. Statements use IF NOT EXISTS, so two nodes starting together
 * converge instead of failing.
 */
export async function runClickhouseMigrations(
  client: ClickHouseClient,
  target: DdlTarget,
  dir = CLICKHOUSE_MIGRATIONS_DIR,
): Promise<ClickhouseMigration[]> {
  const [createDb] = renderDdl('CREATE DATABASE IF NOT EXISTS {{db}} {{on_cluster}}', target);
  await client.command({ query: createDb });
  for (const stmt of renderDdl(MIGRATIONS_TABLE, target)) await client.command({ query: stmt });
  const rs = await client.query({ query: `SELECT version FROM ${target.database}.schema_migrations`, format: 'JSONEachRow' });
  const applied = new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)));
  const ran: ClickhouseMigration[] = [];
  for (const migration of listClickhouseMigrations(dir)) {
    if (applied.has(migration.version)) continue;
    for (const stmt of renderDdl(readFileSync(migration.file, 'utf8'), target)) await client.command({ query: stmt });
    await client.insert({
      table: `${target.database}.schema_migrations`,
      values: [{ version: migration.version, name: migration.name, applied_at: toClickhouseDateTime(new Date()) }],
      format: 'JSONEachRow',
    });
    ran.push(migration);
  }
  return ran;
}
