/**
 * Insights benchmark (issue 17). Run:
 *   npm run bench:insights -- [rows]        (default 10,000,000)
 *
 * Builds the real app in this process on the embedded default (PGlite + chDB), listening on a
 * real port, generates `rows` events over the last 30 days inside the engine, the columns and
 * value mixes of bench/export.ts but grouped in visits: 8 events per session, a few seconds to
 * two minutes apart, one session in three a bounce, 200,000 devices (7 in 10 identified among
 * 50,000 profiles, which are also written to PostgreSQL). bench/export.ts spreads each device's
 * events uniformly over the month, which makes 1.4 events per session: no site looks like that.
 * The sessions are then built the way an upgraded install builds them (the builder's history
 * build) and timed. Each route is then timed through HTTP (auth, rate limit, validation, SQL
 * building, engine, shaping, JSON) and as the same statements run directly on the engine's
 * client, alternating run by run; p50/p95 of both and the ratio are printed.
 *
 * BENCH_DATA_DIR=dir keeps the data set in `dir` (made on the first run, reused by the next), so
 * a run after a change skips the generation and the history build.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import {
  buildBreakdownSql,
  buildActiveUsersSql,
  buildFunnelSql,
  buildRetentionCohortSql,
  defaultRetentionRange,
  buildOverviewSql,
  buildPagePerformanceSql,
  buildProfilesLastSeenSql,
  buildSessionListSql,
  buildTopPagesSql,
  buildUserFlowSql,
  type InsightScope,
  resolveInsightDates,
  type SqlStatement,
} from '@app/analytics';
import { ClickhouseService } from '@app/clickhouse';
import { SessionBuilder } from '../src/sessions';
import { createBenchProject, startBenchApp } from './app';
import { timePair } from './timing';

const ROWS = Number(process.argv[2] ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
/** Only the scenarios whose name holds this text (all by default). */
const ONLY = process.env.BENCH_ONLY ?? '';
/** A kept data set (see the header). */
const KEPT = process.env.BENCH_DATA_DIR;
const INSERT_BATCH = 2_000_000;
const PER_SESSION = 8;
const DEVICES = 200_000;
const PROFILES = 50_000;
/** Five names that follow one another in the generated visits (names cycle through event_0..event_48). */
const FUNNEL = ['event_10', 'event_11', 'event_12', 'event_13', 'event_14'];

interface Scenario {
  name: string;
  url: string;
  /** What the route runs, done directly: the engine's statements (and PostgreSQL's, for profiles). */
  raw: () => Promise<unknown>;
}

/** What a kept data set remembers. */
interface KeptState {
  root: { id: string; secret: string };
  projectId: string;
}

async function main(): Promise<void> {
  if (KEPT) mkdirSync(KEPT, { recursive: true });
  const dataDir = KEPT ?? mkdtempSync(join(tmpdir(), 'op-bench-insights-'));
  const statePath = join(dataDir, 'bench-state.json');
  const kept = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as KeptState) : undefined;
  const root = kept?.root ?? { id: randomUUID(), secret: `sec_${randomBytes(12).toString('hex')}` };
  const { app, base, headers } = await startBenchApp(
    {
      DATA_DIR: dataDir,
      INSIGHTS_RATE_LIMIT: '1000000',
      MANAGE_RATE_LIMIT: '1000000',
      // The history build is started (and timed) below, after the events are in.
      SESSION_BUILD_INTERVAL_MS: '0',
    },
    root,
  );
  try {
    const ch = app.get(ClickhouseService);
    const pg = app.get(DataSource);
    let projectId = kept?.projectId ?? '';
    if (kept) console.log(`reusing the data set in ${dataDir}`);
    else {
      projectId = await generate(app, base, headers);
      if (KEPT) writeFileSync(statePath, JSON.stringify({ root, projectId } satisfies KeptState));
    }
    const count = async (sql: string) =>
      Number(
        (await (await ch.client.query({ query: sql, query_params: { p: projectId }, format: 'JSONEachRow' })).json<{ c: string }>())[0].c,
      );
    const events = await count(`SELECT count() AS c FROM ${ch.table('events')} WHERE project_id = {p:String}`);
    const sessions = await count(`SELECT count() AS c FROM ${ch.table('sessions')} WHERE project_id = {p:String}`);
    console.log(`${events.toLocaleString('en')} events, ${sessions.toLocaleString('en')} session rows`);

    const scope = (fallback: '30d'): InsightScope => ({
      projectId,
      timezone: 'UTC',
      range: resolveInsightDates({ range: fallback }, 'UTC', new Date(), fallback),
    });
    const engine = (statements: () => SqlStatement[]) => () =>
      Promise.all(
        statements().map(async (st) => (await ch.client.query({ query: st.sql, query_params: st.params, format: 'JSONEachRow' })).json()),
      );
    const page = (limit: number) => ({ limit, offset: 0 });
    const scenarios: Scenario[] = [
      {
        name: 'overview, 30 days',
        url: `/insights/${projectId}/overview?range=30d`,
        raw: engine(() => buildOverviewSql(ch.database, scope('30d'), 'day')),
      },
      {
        name: 'pages/top, 30 days',
        url: `/insights/${projectId}/pages/top?range=30d`,
        raw: engine(() => [buildTopPagesSql(ch.database, scope('30d'), page(1000))]),
      },
      {
        name: 'pages/performance, 30 days',
        url: `/insights/${projectId}/pages/performance?range=30d`,
        raw: engine(() => [buildPagePerformanceSql(ch.database, scope('30d'), { sortBy: 'sessions', sortOrder: 'desc', limit: 50 })]),
      },
      {
        name: 'funnel, 5 steps, 30 days',
        url: `/insights/${projectId}/funnel?range=30d&${FUNNEL.map((s) => `steps=${s}`).join('&')}`,
        raw: engine(() => [
          buildFunnelSql(ch.database, scope('30d'), {
            steps: FUNNEL.map((name) => ({ name })),
            windowHours: 24,
            groupBy: 'session_id',
            nonStrictOrdering: false,
          }),
        ]),
      },
      {
        // The default window: the current week and the 12 before it (the set spans the last 30 days of it).
        name: 'retention/cohort, 12 weeks',
        url: `/insights/${projectId}/retention/cohort`,
        raw: engine(() => [
          buildRetentionCohortSql(
            ch.database,
            { projectId, timezone: 'UTC', range: defaultRetentionRange('week', 'UTC', new Date()) },
            'week',
          ),
        ]),
      },
      {
        name: 'active_users (days=30), 30 days',
        url: `/insights/${projectId}/active_users?days=30&range=30d`,
        raw: engine(() => [buildActiveUsersSql(ch.database, scope('30d'), 30)]),
      },
      {
        name: 'user_flow (after screen_view, 5 steps), 30 days',
        url: `/insights/${projectId}/user_flow?range=30d&startEvent=screen_view&mode=after&steps=5`,
        raw: engine(() => [buildUserFlowSql(ch.database, scope('30d'), { startEvent: 'screen_view', mode: 'after', steps: 5 })]),
      },
      {
        name: 'referrer_name, 30 days',
        url: `/insights/${projectId}/referrer_name?range=30d`,
        raw: engine(() => [buildBreakdownSql(ch.database, scope('30d'), 'referrer_name', page(10))]),
      },
      {
        name: 'country, 30 days',
        url: `/insights/${projectId}/country?range=30d`,
        raw: engine(() => [buildBreakdownSql(ch.database, scope('30d'), 'country', page(10))]),
      },
      {
        name: 'sessions, 30 days',
        url: `/insights/${projectId}/sessions?range=30d`,
        raw: engine(() => [buildSessionListSql(ch.database, scope('30d'), page(20))]),
      },
      {
        name: 'profiles (newest 20)',
        url: `/insights/${projectId}/profiles`,
        // The route's two statements: the page of profiles in PostgreSQL, then their last event.
        raw: async () => {
          const rows: { id: string }[] = await pg.query(
            `SELECT * FROM profiles WHERE project_id = $1 ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET 0`,
            [projectId],
          );
          const st = buildProfilesLastSeenSql(
            ch.database,
            projectId,
            rows.map((r) => r.id),
          );
          return (await ch.client.query({ query: st.sql, query_params: st.params, format: 'JSONEachRow' })).json();
        },
      },
    ];

    const results: Record<string, string | number>[] = [];
    for (const s of scenarios.filter((x) => x.name.includes(ONLY))) {
      const [api, raw] = await timePair(
        RUNS,
        async () => {
          const res = await fetch(`${base}${s.url}`, { headers });
          if (res.status !== 200) throw new Error(`${s.name}: ${res.status} ${await res.text()}`);
          await res.arrayBuffer();
        },
        s.raw,
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
      `\n${events.toLocaleString('en')} events, ${sessions.toLocaleString('en')} session rows, ${RUNS} timed runs of each side per scenario, alternating, node ${process.version}`,
    );
    console.table(results);
  } finally {
    await app.close();
    if (!KEPT) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Makes the bench project, its events, its profiles (in PostgreSQL) and its sessions; answers the project id. */
async function generate(app: NestFastifyApplication, base: string, headers: Record<string, string>): Promise<string> {
  const projectId = await createBenchProject(base, headers);
  const ch = app.get(ClickhouseService);

  const now = new Date();
  const t0 = performance.now();
  // n: the event; s = n / 8: its session; k = n % 8: its place in the session.
  const device = `cityHash64(intDiv(n, ${PER_SESSION}), 1) % ${DEVICES}`;
  for (let offset = 0; offset < ROWS; offset += INSERT_BATCH) {
    await ch.client.command({
      query:
        `INSERT INTO ${ch.table('events')} (id, name, device_id, profile_id, project_id, session_id, path, origin, referrer, referrer_name, ` +
        `properties, created_at, country, country_code, city, os, browser, device, duration) ` +
        `SELECT generateUUIDv4(n), ` +
        `if(n % ${PER_SESSION} = 0 OR (cityHash64(intDiv(n, ${PER_SESSION}), 5) % 3 != 0 AND n % 3 = 0), 'screen_view', concat('event_', toString(n % 49))), ` +
        `concat('dev', toString(${device})), ` +
        `if(${device} % 10 < 7, concat('user', toString(${device} % ${PROFILES})), ''), ` +
        `{project:String}, toString(reinterpretAsUUID(sipHash128('s', intDiv(n, ${PER_SESSION})))), ` +
        `concat('/page/', toString(cityHash64(n) % 200)), 'https://shop.example.com', ` +
        `if(n % ${PER_SESSION} = 0 AND intDiv(n, ${PER_SESSION}) % 5 = 0, 'https://www.google.com/', ''), ` +
        `if(n % ${PER_SESSION} = 0 AND intDiv(n, ${PER_SESSION}) % 5 = 0, 'Google', ''), ` +
        `map('plan', if(n % 3 = 0, 'pro', 'free'), '__query.utm_source', arrayElement(['google', 'newsletter', 'ads', ''], intDiv(n, ${PER_SESSION}) % 4 + 1), '__title', concat('Page ', toString(cityHash64(n) % 200))), ` +
        `{end:DateTime64(3, 'UTC')} - toIntervalMillisecond(cityHash64(intDiv(n, ${PER_SESSION}), 4) % 2592000000) ` +
        `+ toIntervalMillisecond((n % ${PER_SESSION}) * (cityHash64(intDiv(n, ${PER_SESSION}), 6) % 120000 + 1000)), ` +
        `arrayElement(['Germany', 'France', 'United States', 'United Kingdom', 'Sweden', 'Spain', 'Italy', 'Japan', 'Brazil', ''], ${device} % 10 + 1), ` +
        `arrayElement(['DE', 'FR', 'US', 'GB', 'SE', 'ES', 'IT', 'JP', 'BR', ''], ${device} % 10 + 1), concat('City ', toString(${device} % 300)), ` +
        `arrayElement(['Windows', 'Mac OS', 'iOS', 'Android', 'Linux'], ${device} % 5 + 1), arrayElement(['Chrome', 'Safari', 'Firefox', 'Edge'], ${device} % 4 + 1), ` +
        `if(${device} % 3 = 0, 'mobile', 'desktop'), 0 ` +
        `FROM (SELECT number + {offset:UInt64} AS n FROM numbers({count:UInt64}))`,
      query_params: {
        project: projectId,
        end: now.toISOString().replace('T', ' ').slice(0, 23),
        offset,
        count: Math.min(INSERT_BATCH, ROWS - offset),
      },
    });
  }
  const insertSeconds = (performance.now() - t0) / 1000;
  const pg = app.get(DataSource);
  await pg.query(
    `INSERT INTO profiles (project_id, id, first_name, last_name, email, properties, created_at, updated_at) ` +
      `SELECT $1, 'user' || g, 'First' || g, 'Last' || g, 'user' || g || '@example.com', jsonb_build_object('plan', CASE WHEN g % 3 = 0 THEN 'pro' ELSE 'free' END), ` +
      `now() - (g || ' minutes')::interval, now() FROM generate_series(0, ${PROFILES - 1}) AS g`,
    [projectId],
  );
  const t1 = performance.now();
  const history = await app.get(SessionBuilder).buildHistory();
  const buildSeconds = (performance.now() - t1) / 1000;
  console.log(
    `generated ${ROWS.toLocaleString('en')} events in ${insertSeconds.toFixed(1)} s; sessions built in ${buildSeconds.toFixed(1)} s (${history.slices} slices)`,
  );
  return projectId;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
