import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickhouseService } from '@app/clickhouse';
import type { SqlStatement } from '../src';
import { eventRows, profileRows } from './fixture';

/**
 * The embedded engine for a spec file. chDB binds one data directory per process, so every
 * spec of a Jest worker (these and the app's e2e specs, which use the same name) shares the
 * process's directory and isolates itself by database.
 */
export async function openEngine(): Promise<ClickhouseService> {
  const ch = new ClickhouseService({
    path: join(tmpdir(), `op-test-chdb-${process.pid}`),
    database: `a_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`,
  });
  await ch.migrate();
  return ch;
}

/** The engine with the shared fixture's events and profiles inserted. */
export async function openEngineWith(
  events: Parameters<typeof eventRows>[0],
  profiles: Parameters<typeof profileRows>[0],
): Promise<ClickhouseService> {
  const ch = await openEngine();
  await ch.client.insert({ table: ch.table('events'), values: eventRows(events), format: 'JSONEachRow' });
  await ch.client.insert({ table: ch.table('profiles'), values: profileRows(profiles), format: 'JSONEachRow' });
  return ch;
}

export async function runSql<T>(ch: ClickhouseService, stmt: SqlStatement): Promise<T[]> {
  const rs = await ch.client.query({ query: stmt.sql, query_params: stmt.params, format: 'JSONEachRow' });
  return rs.json<T>();
}
