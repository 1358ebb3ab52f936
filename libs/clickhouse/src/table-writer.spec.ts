import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ClickhouseService } from './clickhouse.service';
import { createTableWriter } from './create-table-writer';
import { type TableWriter, type TableWriterOptions, WriterFullError } from './table-writer';

// The real engine (chDB), in the process's directory shared with the other specs.
let ch: ClickhouseService;
let walRoot: string;

beforeAll(async () => {
  ch = new ClickhouseService({
    path: join(tmpdir(), `op-test-chdb-${process.pid}`),
    database: `w_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`,
  });
  await ch.migrate();
  await ch.client.command({
    query: `CREATE TABLE ${ch.table('t')} (id String, n UInt32) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 1000`,
  });
  walRoot = mkdtempSync(join(tmpdir(), 'op-wal-'));
});

afterAll(async () => {
  await ch.client.command({ query: `DROP DATABASE IF EXISTS ${ch.database}` });
  await ch.close();
  rmSync(walRoot, { recursive: true, force: true });
});

beforeEach(async () => {
  await ch.client.command({ query: `TRUNCATE TABLE ${ch.table('t')}` });
});

interface TestRow {
  id: string;
  n: number;
}

function writer<Row extends object = TestRow>(overrides: Partial<TableWriterOptions<Row>> = {}): TableWriter<Row> {
  return createTableWriter<Row>({
    inserter: ch,
    table: ch.table('t'),
    columns: ['id', 'n'] as (keyof Row & string)[],
    walDir: join(walRoot, randomUUID()),
    flushRows: 100,
    flushMs: 20,
    bufferRows: 10_000,
    ...overrides,
  });
}

const rows = (from: number, count: number): TestRow[] => Array.from({ length: count }, (_, i) => ({ id: `r${from + i}`, n: from + i }));
/** Rows as the writer serialises them: JSONCompactEachRow lines. */
const lines = (rs: object[]) => rs.map((r) => `${JSON.stringify(Object.values(r))}\n`).join('');

async function stored(): Promise<{ count: number; distinct: number }> {
  const rs = await ch.client.query({
    query: `SELECT count() AS count, uniqExact(id) AS distinct FROM ${ch.table('t')}`,
    format: 'JSONEachRow',
  });
  const [r] = await rs.json<{ count: string; distinct: string }>();
  return { count: Number(r.count), distinct: Number(r.distinct) };
}

describe('TableWriter with a write-ahead log', () => {
  it('acknowledges concurrent writers and lands every row once, in batches of at most flushRows', async () => {
    const w = writer();
    await w.start();
    await Promise.all(Array.from({ length: 50 }, (_, i) => w.write(rows(i * 7, 7))));
    await w.drain();
    expect(await stored()).toEqual({ count: 350, distinct: 350 });
    await w.close();
  });

  it('inserts rows that came during an insert once they have waited flushMs, not flushMs after that insert', async () => {
    // The first insert is held on a gate, so the second batch arrives during it whatever the
    // machine's load; only lower bounds and one wide upper bound depend on the clock.
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
    const starts: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = {
      insertCompactRows: async (table: string, columns: readonly string[], body: Buffer, token: string) => {
        starts.push(Date.now());
        if (starts.length === 1) await gate;
        return ch.insertCompactRows(table, columns, body, token);
      },
    };
    const flushMs = 2000;
    const w = writer({ inserter: held, flushMs, flushRows: 1_000_000 });
    await w.start();
    await w.write(rows(0, 10));
    for (const until = Date.now() + 10_000; starts.length < 1 && Date.now() < until;) await sleep(20);
    expect(starts).toHaveLength(1);
    const t1 = Date.now();
    await w.write(rows(10, 10)); // arrives while the first insert runs
    await sleep(1000);
    release();
    for (const until = Date.now() + 10_000; starts.length < 2 && Date.now() < until;) await sleep(20);
    expect(starts).toHaveLength(2);
    // Due flushMs after it came (t1 + 2000), not flushMs after the first insert ended (t1 + 3000+).
    expect(starts[1] - t1).toBeGreaterThanOrEqual(flushMs - 20);
    expect(starts[1] - t1).toBeLessThan(flushMs + 800);
    await w.drain();
    expect(await stored()).toEqual({ count: 20, distinct: 20 });
    await w.close();
  });

  it('cuts a write larger than flushRows across inserts at line boundaries, each row once', async () => {
    const sizes: number[] = [];
    const counting = {
      insertCompactRows: (table: string, columns: readonly string[], body: Buffer, token: string) => {
        sizes.push(body.toString('utf8').split('\n').length - 1);
        return ch.insertCompactRows(table, columns, body, token);
      },
    };
    const w = writer({ inserter: counting, flushMs: 3_600_000 });
    await w.start();
    await w.write(rows(0, 250));
    await w.drain();
    expect(sizes).toEqual([100, 100, 50]);
    expect(await stored()).toEqual({ count: 250, distinct: 250 });
    await w.close();
  });

  it('replays what a crashed process acknowledged, without duplicates, and drops a torn last line', async () => {
    const walDir = join(walRoot, randomUUID());
    // flushMs of an hour: nothing reaches ClickHouse before the "crash" (the writer is abandoned).
    const crashed = writer({ walDir, flushMs: 3_600_000, flushRows: 1_000_000 });
    await crashed.start();
    await Promise.all([crashed.write(rows(0, 40)), crashed.write(rows(40, 60))]);
    expect(await stored()).toEqual({ count: 0, distinct: 0 });
    const [log] = readdirSync(walDir).filter((f) => f.endsWith('.wal'));
    appendFileSync(join(walDir, log), '["torn",'); // an append cut short by the crash

    const restarted = writer({ walDir });
    await restarted.start();
    await restarted.drain();
    expect(await stored()).toEqual({ count: 100, distinct: 100 });
    await restarted.close();
    expect(readdirSync(walDir)).toEqual([]);
  });

  // The crash happened after the insert of lines 0..20 returned, before the checkpoint moved:
  // in an older single-record file, and in the record log the writer appends (last one torn).
  it.each([
    ['a single record', JSON.stringify({ shipped: 0, inflight: [0, 20] })],
    ['a record log whose last record is torn', `\n${JSON.stringify({ shipped: 0, inflight: [0, 20] })}\n{"shipped":2`],
  ])('an insert that landed just before a crash is not stored twice on replay (%s)', async (_, checkpoint) => {
    const walDir = join(walRoot, randomUUID());
    const crashed = writer({ walDir, flushMs: 3_600_000, flushRows: 1_000_000 });
    await crashed.start();
    await crashed.write(rows(0, 30));
    const [log] = readdirSync(walDir).filter((f) => f.endsWith('.wal'));
    const name = log.slice(0, -4);
    writeFileSync(join(walDir, `${name}.ckpt`), checkpoint);
    await ch.client.exec({
      query: `INSERT INTO ${ch.table('t')} (id, n) FORMAT JSONCompactEachRow`,
      values: Readable.from([lines(rows(0, 20))]),
      clickhouse_settings: { insert_deduplication_token: `${name}:0:20` },
    });

    const restarted = writer({ walDir });
    await restarted.start();
    await restarted.drain();
    expect(await stored()).toEqual({ count: 30, distinct: 30 });
    await restarted.close();
    expect(readdirSync(walDir)).toEqual([]);
  });

  // Events reach the embedded engine through `events_ingest` and its view into `events`
  // (migration 0004): the token must drop the replayed copy in `events` too.
  it('an insert through events_ingest that landed just before a crash is not stored twice in events', async () => {
    const project = `p_${randomUUID()}`;
    interface EventLike {
      id: string;
      name: string;
      project_id: string;
      created_at: string;
    }
    const columns: (keyof EventLike)[] = ['id', 'name', 'project_id', 'created_at'];
    const eventRows = (from: number, n: number): EventLike[] =>
      Array.from({ length: n }, (_, i) => ({
        id: `00000000-0000-4000-8000-${(from + i).toString(16).padStart(12, '0')}`,
        name: `e${from + i}`,
        project_id: project,
        created_at: '2026-12-01 10:00:00.000',
      }));
    const walDir = join(walRoot, randomUUID());
    const options = { table: ch.table('events_ingest'), columns, walDir };
    const crashed = writer<EventLike>({ ...options, flushMs: 3_600_000, flushRows: 1_000_000 });
    await crashed.start();
    await crashed.write(eventRows(0, 30));
    const [log] = readdirSync(walDir).filter((f) => f.endsWith('.wal'));
    const name = log.slice(0, -4);
    writeFileSync(join(walDir, `${name}.ckpt`), JSON.stringify({ shipped: 0, inflight: [0, 20] }));
    await ch.insertCompactRows(ch.table('events_ingest'), columns, Buffer.from(lines(eventRows(0, 20))), `${name}:0:20`);

    const restarted = writer<EventLike>(options);
    await restarted.start();
    await restarted.drain();
    const rs = await ch.client.query({
      query: `SELECT count() AS count, uniqExact(id) AS distinct FROM ${ch.table('events')} WHERE project_id = {project:String}`,
      query_params: { project },
      format: 'JSONEachRow',
    });
    expect((await rs.json<{ count: string; distinct: string }>()).map((r) => [Number(r.count), Number(r.distinct)])).toEqual([[30, 30]]);
    await restarted.close();
  });

  it('refuses with WriterFullError instead of growing past bufferRows, and accepts again once drained', async () => {
    const w = writer({ bufferRows: 100, flushMs: 3_600_000, flushRows: 1_000_000 });
    await w.start();
    await w.write(rows(0, 90));
    await expect(w.write(rows(90, 20))).rejects.toBeInstanceOf(WriterFullError);
    await w.drain();
    await w.write(rows(90, 20));
    await w.close();
    expect(await stored()).toEqual({ count: 110, distinct: 110 });
  });

  it('fails only the writes whose append failed, moves to a new log file and keeps serving', async () => {
    const walDir = join(walRoot, randomUUID());
    const w = writer({ walDir, flushMs: 3_600_000, flushRows: 1_000_000 });
    await w.start();
    await w.write(rows(0, 10));
    // The log file's descriptor stops taking writes (as after an I/O error): a read-only one.
    const [log] = readdirSync(walDir).filter((f) => f.endsWith('.wal'));
    const active = (w as unknown as { log: { active: { fd: number } } }).log.active;
    const original = active.fd;
    active.fd = openSync(join(walDir, log), 'r');
    await expect(Promise.all([w.write(rows(10, 5)), w.write(rows(15, 5))])).rejects.toThrow();
    await Promise.all([w.write(rows(20, 7)), w.write(rows(27, 3))]);
    expect(readdirSync(walDir).filter((f) => f.endsWith('.wal'))).toHaveLength(2);
    await w.drain();
    // The 10 rows acknowledged before the failure and the 10 after it; none of the refused.
    const rs = await ch.client.query({
      query: `SELECT groupArray(n) AS ns FROM (SELECT n FROM ${ch.table('t')} ORDER BY n)`,
      format: 'JSONEachRow',
    });
    const [{ ns }] = await rs.json<{ ns: number[] }>();
    expect(ns).toEqual([...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => 20 + i)]);
    await w.close();
    closeSync(original);
  });

  it('keeps rows of a failed insert in the log and retries them', async () => {
    const w = writer({ table: ch.table('missing_then_created'), flushMs: 0 });
    await w.start();
    await w.write(rows(0, 10)); // acknowledged: durable in the log although the table is missing
    await new Promise((r) => setTimeout(r, 100));
    await ch.client.command({ query: `CREATE TABLE ${ch.table('missing_then_created')} AS ${ch.table('t')}` });
    await w.drain();
    const rs = await ch.client.query({ query: `SELECT count() AS c FROM ${ch.table('missing_then_created')}`, format: 'JSONEachRow' });
    expect(Number((await rs.json<{ c: string }>())[0].c)).toBe(10);
    await w.close();
  });
});

describe('TableWriter without a log (direct group commit)', () => {
  it('resolves each write once its insert returned', async () => {
    const w = writer({ walDir: undefined, flushMs: 0 });
    await w.start();
    await Promise.all(Array.from({ length: 20 }, (_, i) => w.write(rows(i * 5, 5))));
    expect(await stored()).toEqual({ count: 100, distinct: 100 });
    await w.close();
  });

  it('fails the writes of a failed insert (the client retries) and keeps serving', async () => {
    const w = writer({ walDir: undefined, table: ch.table('nope'), flushMs: 0 });
    await expect(w.write(rows(0, 3))).rejects.toThrow();
    expect(w.bufferedRows).toBe(0);
    await w.close();
    expect(existsSync(walRoot)).toBe(true);
  });
});
