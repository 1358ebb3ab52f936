import { DataSource } from 'typeorm';
import { ClickhouseService } from '@app/clickhouse';
import { drainEvents, type TestApp } from './test-app';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows as the engines return them, read field by field in assertions
export type Row = Record<string, any>;

/** Real device user agents for ingestion tests (a bot's would be answered 202). */
export const USER_AGENTS = {
  chrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  safari: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
} as const;

/**
 * A project's stored events matching `where` (ClickHouse SQL over the events columns, values
 * as `{name:Type}` parameters), oldest first, once every acknowledged event is queryable.
 */
export async function storedEvents(t: TestApp, projectId: string, where = 'true', params: Record<string, unknown> = {}): Promise<Row[]> {
  await drainEvents(t);
  const ch = t.app.get(ClickhouseService);
  const rs = await ch.client.query({
    query: `SELECT * FROM ${ch.table('events')} WHERE project_id = {project:String} AND ${where} ORDER BY created_at, id`,
    query_params: { project: projectId, ...params },
    format: 'JSONEachRow',
  });
  return rs.json();
}

/** A project's profile row in PostgreSQL, as stored. */
export async function storedProfile(t: TestApp, projectId: string, id: string): Promise<Row | undefined> {
  const [row] = await t.app.get(DataSource).query(`SELECT * FROM profiles WHERE project_id = $1 AND id = $2`, [projectId, id]);
  return row;
}
