import { ClickhouseService } from '@app/clickhouse';
import { EVENT_ROW_COLUMNS } from '@app/ingest';
import { IngestWriters } from '../src/pipeline';
import { PROFILE_MIRROR_COLUMNS } from '../src/pipeline/profile-mirror-row';
import { useTestApp } from './setup/test-app';

/**
 * Rows are inserted as JSONCompactEachRow with an explicit column list: each value lands in the
 * column named at its position, so a list is right when it names each of the table's columns
 * exactly once. A column added to a migration and not to the row type (or the reverse) fails here.
 */
describe('The writers insert exactly the columns of the tables the migrations create', () => {
  const t = useTestApp();
  let clickhouse: ClickhouseService;
  let writers: IngestWriters;

  beforeAll(() => {
    clickhouse = t.app.get(ClickhouseService);
    writers = t.app.get(IngestWriters);
  });

  async function tableColumns(table: string): Promise<string[]> {
    const rs = await clickhouse.client.query({
      query: 'SELECT name FROM system.columns WHERE database = {database:String} AND table = {table:String}',
      query_params: { database: clickhouse.database, table },
      format: 'JSONEachRow',
    });
    return (await rs.json<{ name: string }>()).map((r) => r.name);
  }

  const sorted = (columns: readonly string[]) => [...columns].sort();

  it.each([
    ['events', EVENT_ROW_COLUMNS],
    ['events_ingest', EVENT_ROW_COLUMNS],
    ['profiles', PROFILE_MIRROR_COLUMNS],
  ])('%s: every column once, none missing, none extra', async (table, columns) => {
    expect(new Set(columns).size).toBe(columns.length);
    expect(sorted(columns)).toEqual(sorted(await tableColumns(table)));
  });

  it('the writers use those lists, into those tables', () => {
    expect(writers.events.columns).toEqual(EVENT_ROW_COLUMNS);
    expect(writers.profiles.columns).toEqual(PROFILE_MIRROR_COLUMNS);
    expect([clickhouse.table('events'), clickhouse.table('events_ingest')]).toContain(clickhouse.eventsInsertTable);
  });
});
