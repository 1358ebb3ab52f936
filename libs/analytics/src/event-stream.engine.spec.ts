import type { ClickhouseService } from '@app/clickhouse';
import { openEngine } from '../test/engine';
import { buildEventStreamSql, EVENT_STREAM_CHUNK, type EventStreamPosition } from './event-list-sql';

/**
 * A bulk export's steps each read about what they return, wherever the walk is: the rows the
 * engine reads (its RowsReadBy* counters, kept per process by chDB) do not grow with what is
 * left. Before the step found its window first, every step read all remaining rows.
 */
const ROWS = 200_000;
const PROJECT = 'bulk';

let ch: ClickhouseService;

beforeAll(async () => {
  ch = await openEngine();
  // Two events per second, newest at 2024-06-01, a few ties on the same millisecond, and
  // another project's rows in the same parts.
  await ch.client.command({
    query:
      `INSERT INTO ${ch.table('events')} (id, name, device_id, project_id, properties, created_at) ` +
      `SELECT generateUUIDv4(), concat('event_', toString(number % 50)), concat('dev', toString(number % 997)), ` +
      `if(number % 5 = 4, 'other', {project:String}), map('n', toString(number)), ` +
      `toDateTime64('2024-06-01 00:00:00', 3, 'UTC') - toIntervalMillisecond(intDiv(number, 3) * 1500) FROM numbers({rows:UInt64})`,
    query_params: { project: PROJECT, rows: Math.round((ROWS * 5) / 4) },
  });
}, 120_000);

afterAll(async () => {
  await ch?.close();
});

async function counters(): Promise<number> {
  const rs = await ch.client.query({
    query: "SELECT sum(value) AS n FROM system.events WHERE event IN ('RowsReadByMainReader', 'RowsReadByPrewhereReaders')",
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string }>();
  return Number(row?.n ?? 0);
}

it('walks every event exactly once, in page order, each step reading a bounded number of rows', async () => {
  const reads: number[] = [];
  const ids = new Set<string>();
  let previous: { createdAt: string; id: string } | undefined;
  let after: EventStreamPosition | undefined;
  for (;;) {
    const stmt = buildEventStreamSql({ projectId: PROJECT, timezone: 'UTC' }, ch.database, after);
    const before = await counters();
    const rs = await ch.client.query({
      query: stmt.sql,
      query_params: stmt.params,
      format: 'JSONEachRow',
      clickhouse_settings: { use_query_condition_cache: 0 },
    });
    const rows = await rs.json<{ createdAt: string; id: string }>();
    reads.push((await counters()) - before);
    for (const r of rows) {
      if (previous) expect(r.createdAt < previous.createdAt || (r.createdAt === previous.createdAt && r.id < previous.id)).toBe(true);
      ids.add(r.id);
      previous = r;
    }
    if (rows.length < EVENT_STREAM_CHUNK) break;
    after = rows[rows.length - 1];
  }
  expect(ids.size).toBe(ROWS);
  expect(reads).toHaveLength(ROWS / EVENT_STREAM_CHUNK + 1);
  console.log(
    `rows read per step of ${EVENT_STREAM_CHUNK} (first, middle, last two): ${[reads[0], reads[20], ...reads.slice(-2)].join(', ')}; total ${reads.reduce((a, b) => a + b, 0)} for ${ROWS} rows`,
  );
  // A step reads a few granules (8192 rows) of each part it touches, each prewhere column
  // counted apart, wherever it is: the first half of the walk reads no more than the second.
  // Before, every step read what was left (830,000 counted rows at the second step, 18.3 M
  // in all), so the first half read about three times the second.
  const half = (from: number, to: number) => reads.slice(from, to).reduce((a, b) => a + b, 0);
  const steps = reads.length - 1;
  expect(half(0, steps / 2) / half(steps / 2, steps)).toBeLessThan(1.3);
  expect(Math.max(...reads)).toBeLessThan(40 * EVENT_STREAM_CHUNK);
});
