/**
 * Export benchmark (issue 3). Run:
 *   npm run bench:export -- [rows]        (default 10,000,000)
 *
 * Builds the real app in this process on the embedded default (PGlite + chDB), listening on a
 * real port, generates `rows` events over the last 30 days inside the engine (INSERT ... SELECT
 * from numbers(): 50 event names, 5,000 profiles, 20,000 devices, a few realistic properties),
 * then times each scenario both through the HTTP API (fetch to the port: auth, rate limit,
 * validation, SQL building, engine, shaping, JSON) and as the same SQL run directly on the
 * engine's client, alternating run by run so both see the same load. It prints p50/p95 of
 * both and the ratio API/raw. chDB binds one data directory per process, which is why both
 * sides run here.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildChartSql, buildEventListSql, type ChartQuery, encodeEventCursor, type SqlStatement } from '@app/analytics';
import { ClickhouseService } from '@app/clickhouse';
import { createBenchProject, startBenchApp } from './app';
import { timePair } from './timing';

const ROWS = Number(process.argv[2] ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = 2;
const INSERT_BATCH = 2_000_000;

interface Scenario {
  name: string;
  /** The API request, relative to the base URL. */
  url: string;
  /** The statements the API runs for it, built with the same library and inputs. */
  sql: () => SqlStatement[];
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'op-bench-export-'));
  const root = { id: randomUUID(), secret: `sec_${randomBytes(12).toString('hex')}` };
  const { app, base, headers } = await startBenchApp(
    {
      DATA_DIR: dataDir,
      EXPORT_RATE_LIMIT: '1000000',
      MANAGE_RATE_LIMIT: '1000000',
    },
    root,
  );
  try {
    const projectId = await createBenchProject(base, headers);
    const ch = app.get(ClickhouseService);

    const now = new Date();
    const t0 = performance.now();
    for (let offset = 0; offset < ROWS; offset += INSERT_BATCH) {
      await ch.client.command({
        query:
          `INSERT INTO ${ch.table('events')} (id, name, device_id, profile_id, project_id, session_id, path, origin, referrer, referrer_name, ` +
          `properties, created_at, country, country_code, city, os, browser, device, duration) ` +
          `SELECT generateUUIDv4(n), ` +
          // 50 names, screen_view the most frequent, as on a real site.
          `if(n % 4 = 0, 'screen_view', concat('event_', toString(n % 49))), ` +
          `concat('dev', toString(cityHash64(n, 1) % 20000)), ` +
          `if(n % 10 < 7, concat('user', toString(cityHash64(n, 2) % 5000)), ''), ` +
          `{project:String}, concat('s', toString(cityHash64(n, 3) % 400000)), concat('/page/', toString(n % 200)), 'https://shop.example.com', ` +
          `if(n % 5 = 0, 'https://www.google.com/', ''), if(n % 5 = 0, 'Google', ''), ` +
          `map('plan', if(n % 3 = 0, 'pro', 'free'), 'total', toString(n % 1000 / 10), '__query.utm_source', arrayElement(['google', 'newsletter', 'ads', ''], n % 4 + 1), 'title', concat('Page ', toString(n % 200))), ` +
          `{end:DateTime64(3, 'UTC')} - toIntervalMillisecond(cityHash64(n, 4) % 2592000000), ` +
          `arrayElement(['Germany', 'France', 'United States', 'United Kingdom', 'Sweden', 'Spain', 'Italy', 'Japan', 'Brazil', ''], n % 10 + 1), ` +
          `arrayElement(['DE', 'FR', 'US', 'GB', 'SE', 'ES', 'IT', 'JP', 'BR', ''], n % 10 + 1), concat('City ', toString(n % 300)), ` +
          `arrayElement(['Windows', 'Mac OS', 'iOS', 'Android', 'Linux'], n % 5 + 1), arrayElement(['Chrome', 'Safari', 'Firefox', 'Edge'], n % 4 + 1), ` +
          `if(n % 3 = 0, 'mobile', 'desktop'), n % 60000 ` +
          `FROM (SELECT number + {offset:UInt64} AS n FROM numbers({count:UInt64}))`,
        query_params: {
          project: projectId,
          end: now.toISOString().replace('T', ' ').slice(0, 23),
          offset: offset,
          count: Math.min(INSERT_BATCH, ROWS - offset),
        },
      });
    }
    const insertSeconds = (performance.now() - t0) / 1000;
    const [{ c }] = await (
      await ch.client.query({
        query: `SELECT count() AS c FROM ${ch.table('events')} WHERE project_id = {p:String}`,
        query_params: { p: projectId },
        format: 'JSONEachRow',
      })
    ).json<{ c: string }>();
    console.log(`generated ${Number(c).toLocaleString('en')} events in ${insertSeconds.toFixed(1)} s`);

    const chartQuery = (events: ChartQuery['events'], breakdowns: ChartQuery['breakdowns'] = []): ChartQuery => ({
      projectId,
      timezone: 'UTC',
      events,
      breakdowns,
      interval: 'day',
      range: '30d',
      previous: false,
    });
    const chartUrl = (q: ChartQuery) =>
      `/export/charts?${new URLSearchParams({ projectId, events: JSON.stringify(q.events), breakdowns: JSON.stringify(q.breakdowns), interval: 'day', range: '30d' })}`;
    const chartScenario = (name: string, q: ChartQuery): Scenario => ({
      name,
      url: chartUrl(q),
      sql: () => buildChartSql(q, { database: ch.database, now: new Date() }),
    });

    // A cursor half-way down the listing: where page 100,000 of 50 would start.
    const deep = Math.floor(Number(c) / 2);
    const [at] = await (
      await ch.client.query({
        query: `SELECT toString(id) AS id, concat(replaceOne(toString(created_at), ' ', 'T'), 'Z') AS createdAt FROM ${ch.table('events')} WHERE project_id = {p:String} ORDER BY created_at DESC, toString(id) DESC LIMIT 1 OFFSET {o:UInt64}`,
        query_params: { p: projectId, o: deep - 1 },
        format: 'JSONEachRow',
      })
    ).json<{ id: string; createdAt: string }>();
    const cursor = encodeEventCursor(at);
    const listSql = (extra: { cursor?: string; offset?: number }) => () => {
      const s = buildEventListSql({ projectId, timezone: 'UTC', limit: 50, ...extra }, ch.database);
      return [s.page, s.count];
    };

    const scenarios: Scenario[] = [
      chartScenario('chart: 30 days, daily', chartQuery([{ name: 'screen_view', segment: 'event', filters: [] }])),
      chartScenario(
        'chart: + country breakdown + property filter',
        chartQuery(
          [{ name: 'screen_view', segment: 'event', filters: [{ name: 'properties.plan', operator: 'is', value: ['pro'] }] }],
          [{ name: 'country' }],
        ),
      ),
      chartScenario('chart: user segment', chartQuery([{ name: 'screen_view', segment: 'user', filters: [] }])),
      { name: 'events: page 1 (limit 50)', url: `/export/events?projectId=${projectId}&limit=50`, sql: listSql({}) },
      {
        name: `events: cursor at row ${deep.toLocaleString('en')}`,
        url: `/export/events?projectId=${projectId}&limit=50&cursor=${cursor}`,
        sql: listSql({ cursor }),
      },
      {
        name: `events: page ${(deep / 50 + 1).toLocaleString('en')} by offset`,
        url: `/export/events?projectId=${projectId}&limit=50&page=${deep / 50 + 1}`,
        sql: listSql({ offset: deep }),
      },
    ];

    const results: Record<string, string | number>[] = [];
    for (const s of scenarios) {
      const [api, raw] = await timePair(
        RUNS,
        async () => {
          const res = await fetch(`${base}${s.url}`, { headers });
          if (res.status !== 200) throw new Error(`${s.name}: ${res.status} ${await res.text()}`);
          await res.arrayBuffer();
        },
        // The service runs a request's statements concurrently too.
        () =>
          Promise.all(
            s.sql().map(async (st) => (await ch.client.query({ query: st.sql, query_params: st.params, format: 'JSONEachRow' })).json()),
          ),
      );
      results.push({
        scenario: s.name,
        'API p50 ms': Math.round(api.p50),
        'API p95 ms': Math.round(api.p95),
        'raw p50 ms': Math.round(raw.p50),
        'raw p95 ms': Math.round(raw.p95),
        'ratio p50': Number((api.p50 / raw.p50).toFixed(2)),
      });
      console.log(JSON.stringify(results[results.length - 1]));
    }
    console.log(
      `\n${Number(c).toLocaleString('en')} events, ${RUNS} timed runs of each side per scenario, alternating (after ${WARMUP} warm-ups), node ${process.version}`,
    );
    console.table(results);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
