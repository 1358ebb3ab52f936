import { bucketSql } from '../buckets';
import { invalid } from '../errors';
import { compileFilters } from '../filters';
import { ParamBag } from '../params';
import { settingsClause } from '../settings';
import { ACTOR_SQL, checkDatabase, DATETIME_PARAM, dateTimeParam } from '../source';
import type { Interval, SqlStatement } from '../types';
import { currentOf, currentSessionsSql, type InsightScope, netSum, scopeParams, sessionRowsWhere } from './session-source';

/** Read-only statements of the insights: bounded like the charts, numbers as JSON numbers. */
export const INSIGHT_SETTINGS = {
  readonly: 2,
  max_execution_time: 30,
  max_memory_usage: 4_000_000_000,
  output_format_json_quote_64bit_integers: 0,
  join_use_nulls: 0,
} as const;

/** One bucket of the overview's summed figures (or, with `bucket` null, the whole window). */
export interface OverviewRow {
  bucket: number | null;
  sessions: number;
  bounces: number;
  timed_sessions: number;
  timed_duration_ms: number;
  screen_views: number;
  revenue: number;
}

/** Distinct visitors of a bucket (or, with `bucket` null, of the whole window). */
export interface OverviewVisitorsRow {
  bucket: number | null;
  visitors: number;
}

/**
 * Session figures per bucket of `interval` (by session start, in the project's zone) and, in
 * the rows whose bucket is null, for the whole window: two statements, run side by side. The
 * first sums over raw rows with their sign (see netSum), exact at any merge state and without
 * collapsing; the second counts distinct visitors (profiles, a device for anonymous ones)
 * exactly, over the current sessions (see currentSessionsSql). A session counts once.
 */
export function buildOverviewSql(database: string, scope: InsightScope, interval: Interval): [SqlStatement, SqlStatement] {
  const settings = settingsClause({ ...INSIGHT_SETTINGS, group_by_use_nulls: 1 });
  const figures = new ParamBag();
  const where = sessionRowsWhere(database, figures, scope);
  const bucket = (bag: ParamBag, column: string) => bucketSql(interval, column, bag.named('tz', scope.timezone, 'String'));
  const visitors = new ParamBag();
  const current = currentSessionsSql(database, visitors, scope, ['created_at', 'profile_id']);
  return [
    {
      sql:
        `SELECT ${bucket(figures, 's.created_at')} AS bucket, ${netSum('1')} AS sessions, ${netSum('is_bounce')} AS bounces, ` +
        `sum(s.sign * (s.duration > 0)) AS timed_sessions, ${netSum('duration')} AS timed_duration_ms, ` +
        `${netSum('screen_view_count')} AS screen_views, ${netSum('revenue')} AS revenue ` +
        `FROM ${checkDatabase(database)}.sessions AS s WHERE ${where.join(' AND ')} GROUP BY bucket WITH ROLLUP ORDER BY bucket ${settings}`,
      params: figures.params,
    },
    {
      sql: `SELECT ${bucket(visitors, 'created_at')} AS bucket, uniqExact(profile_id) AS visitors FROM ${current} AS s GROUP BY bucket WITH ROLLUP ORDER BY bucket ${settings}`,
      params: visitors.params,
    },
  ];
}

/** How far back `live` looks for visitors. */
export const LIVE_WINDOW_MS = 5 * 60_000;

/** Distinct visitors (profiles, devices for anonymous ones) with an event in the last five minutes. */
export function buildLiveSql(database: string, projectId: string, now: Date): SqlStatement {
  const bag = new ParamBag();
  const from = bag.named('from', dateTimeParam(new Date(now.getTime() - LIVE_WINDOW_MS)), DATETIME_PARAM);
  return {
    sql:
      `SELECT uniqExact(${ACTOR_SQL}) AS visitors FROM ${checkDatabase(database)}.events AS e ` +
      `WHERE e.project_id = ${bag.named('projectId', projectId, 'String')} AND e.created_at >= ${from} ` +
      `AND (e.device_id != '' OR e.profile_id != '') ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/** The session columns the breakdown routes group by, with the column shown as `prefix` if any. */
export const BREAKDOWN_COLUMNS = {
  referrer: undefined,
  referrer_name: undefined,
  referrer_type: undefined,
  utm_source: undefined,
  utm_medium: undefined,
  utm_campaign: undefined,
  utm_term: undefined,
  utm_content: undefined,
  region: 'country',
  country: undefined,
  city: 'country',
  device: undefined,
  brand: undefined,
  model: undefined,
  browser: undefined,
  browser_version: 'browser',
  os: undefined,
  os_version: 'os',
} as const satisfies Record<string, 'country' | 'browser' | 'os' | undefined>;
export type BreakdownColumn = keyof typeof BREAKDOWN_COLUMNS;
export const BREAKDOWN_COLUMN_NAMES = Object.keys(BREAKDOWN_COLUMNS) as BreakdownColumn[];

/** One page of a list: `offset` rows skipped, at most `limit` returned. */
export interface ListPage {
  limit: number;
  offset: number;
}

export interface BreakdownRow {
  prefix?: string;
  name: string | null;
  sessions: number;
  pageviews: number;
  revenue: number;
}

export function pageClause(bag: ParamBag, page: ListPage): string {
  if (!Number.isSafeInteger(page.limit) || page.limit < 1) throw invalid(['limit'], 'Expected a positive integer');
  if (!Number.isSafeInteger(page.offset) || page.offset < 0) throw invalid(['cursor'], 'Expected a page number');
  return `LIMIT ${bag.named('limit', String(page.limit), 'UInt32')} OFFSET ${bag.named('offset', String(page.offset), 'UInt64')}`;
}

/**
 * Sessions per value of a session column (its first event's), most sessions first, ties by
 * value, so pages do not overlap. `pageviews` are the screen views of those sessions.
 */
export function buildBreakdownSql(database: string, scope: InsightScope, column: BreakdownColumn, page: ListPage): SqlStatement {
  if (!Object.hasOwn(BREAKDOWN_COLUMNS, column)) throw new Error(`unknown breakdown column ${column}`);
  const prefix: string | undefined = BREAKDOWN_COLUMNS[column];
  const bag = new ParamBag();
  const where = sessionRowsWhere(database, bag, scope);
  const keys = prefix ? `s.${prefix} AS prefix, s.${column} AS value` : `s.${column} AS value`;
  const order = prefix ? 'sessions DESC, value ASC, prefix ASC' : 'sessions DESC, value ASC';
  return {
    sql:
      `SELECT ${keys}, ${netSum('1')} AS sessions, ${netSum('screen_view_count')} AS pageviews, ${netSum('revenue')} AS revenue ` +
      `FROM ${checkDatabase(database)}.sessions AS s WHERE ${where.join(' AND ')} GROUP BY ${prefix ? 'prefix, value' : 'value'} ` +
      `HAVING sessions > 0 ORDER BY ${order} ${pageClause(bag, page)} ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/**
 * Sessions per entry (or exit) page, most first: `pageviews` are all screen views of those
 * sessions, as OpenPanel counts them.
 */
export function buildEntryExitSql(database: string, scope: InsightScope, mode: 'entry' | 'exit', page: ListPage): SqlStatement {
  const bag = new ParamBag();
  const origin = mode === 'entry' ? 'entry_origin' : 'exit_origin';
  const path = mode === 'entry' ? 'entry_path' : 'exit_path';
  const where = sessionRowsWhere(database, bag, scope);
  return {
    sql:
      `SELECT s.${origin} AS origin, s.${path} AS path, ${netSum('1')} AS sessions, ${netSum('screen_view_count')} AS pageviews, ` +
      `${netSum('revenue')} AS revenue FROM ${checkDatabase(database)}.sessions AS s WHERE ${[...where, `s.${path} != ''`].join(' AND ')} ` +
      `GROUP BY origin, path HAVING sessions > 0 ORDER BY sessions DESC, origin ASC, path ASC ${pageClause(bag, page)} ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

export interface TopPageRow {
  origin: string;
  path: string;
  sessions: number;
  pageviews: number;
  revenue: number;
}

/**
 * Screen views per page in the window: `pageviews` counts them, `sessions` the distinct sessions
 * they belong to, `revenue` the revenue of those sessions (OpenPanel sums the screen views'
 * own revenue, which is always 0). Each view's session is found by device and time, as in
 * pageSessionsSql; a view not in a built session yet (the builder runs seconds behind) keeps
 * the session id ingestion gave it. Filters are the chart engine's, on the screen views.
 */
export function buildTopPagesSql(database: string, scope: InsightScope, page: ListPage): SqlStatement {
  const db = checkDatabase(database);
  const bag = new ParamBag();
  const { project, start, end } = scopeParams(bag, scope);
  const filter = compileFilters(scope.filters, bag, ['filters']);
  if (filter?.profile) throw invalid(['filters'], 'Filters on profile fields are not supported here');
  const views =
    `SELECT e.origin AS origin, e.path AS path, e.device_id AS device_id, e.session_id AS session_id, e.created_at AS at ` +
    `FROM ${db}.events AS e WHERE e.project_id = ${project} AND e.name = 'screen_view' AND e.path != '' ` +
    `AND e.created_at >= ${start} AND e.created_at < ${end}${filter ? ` AND ${filter.sql}` : ''}`;
  // Sessions that may hold a view of the window: started before its end, ended after its start.
  const built = currentOf(
    db,
    [`s.project_id = ${project}`, `s.created_at < ${end}`, `s.ended_at >= ${start}`],
    ['id', 'device_id', 'created_at', 'ended_at', 'revenue'],
  );
  const perSession =
    `SELECT v.origin AS origin, v.path AS path, if(v.at <= m.ended_at AND m.id != '', m.id, v.session_id) AS sid, ` +
    `count() AS views, any(if(v.at <= m.ended_at AND m.id != '', m.revenue, 0)) AS rev ` +
    `FROM (${views}) AS v ASOF LEFT JOIN ${built} AS m ON v.device_id = m.device_id AND v.at >= m.created_at ` +
    `GROUP BY origin, path, sid`;
  return {
    sql:
      `SELECT origin, path, countIf(sid != '') AS sessions, sum(views) AS pageviews, sum(rev) AS revenue FROM (${perSession}) ` +
      `GROUP BY origin, path ORDER BY sessions DESC, pageviews DESC, origin ASC, path ASC ${pageClause(bag, page)} ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

export const PAGE_SORTS = ['sessions', 'pageviews', 'bounce_rate', 'avg_duration'] as const;
export type PageSort = (typeof PAGE_SORTS)[number];

export interface PagePerformanceQuery {
  search?: string;
  sortBy: PageSort;
  sortOrder: 'asc' | 'desc';
  limit: number;
}

export interface PagePerformanceRow {
  origin: string;
  path: string;
  title: string;
  sessions: number;
  pageviews: number;
  avg_duration: number;
  bounce_rate: number;
  /** Pages matching the search, before the limit: the same on every row. */
  total_pages: number;
}

/**
 * Per page (origin and path) of the window: its latest non-empty title, distinct sessions,
 * views, the mean time to the next screen view of the same session in minutes (0 for a
 * session's last view), and the percent of its sessions that bounced. Views are put in their
 * session by device and time, as in pageSessionsSql. `search` matches path, origin or title,
 * case-insensitively, as plain text.
 */
export function buildPagePerformanceSql(database: string, scope: InsightScope, q: PagePerformanceQuery): SqlStatement {
  if (!(PAGE_SORTS as readonly string[]).includes(q.sortBy)) throw invalid(['sortBy'], 'Unknown sort');
  const db = checkDatabase(database);
  const bag = new ParamBag();
  const { project, start, end } = scopeParams(bag, scope);
  const views =
    `SELECT e.origin AS origin, e.path AS path, e.properties['__title'] AS title, e.device_id AS device_id, e.session_id AS session_id, ` +
    `e.created_at AS at FROM ${db}.events AS e WHERE e.project_id = ${project} AND e.name = 'screen_view' AND e.path != '' ` +
    `AND e.created_at >= ${start} AND e.created_at < ${end}`;
  const built = currentOf(
    db,
    [`s.project_id = ${project}`, `s.created_at < ${end}`, `s.ended_at >= ${start}`],
    ['id', 'device_id', 'created_at', 'ended_at', 'is_bounce'],
  );
  const joined =
    `SELECT v.origin AS origin, v.path AS path, v.title AS title, v.at AS at, ` +
    `if(v.at <= m.ended_at AND m.id != '', m.id, v.session_id) AS sid, if(v.at <= m.ended_at AND m.id != '', m.is_bounce, 0) AS bounce ` +
    `FROM (${views}) AS v ASOF LEFT JOIN ${built} AS m ON v.device_id = m.device_id AND v.at >= m.created_at`;
  const dwell =
    `SELECT origin, path, title, at, sid, bounce, if(sid = '', 0, toUnixTimestamp64Milli(leadInFrame(at, 1, at) OVER w) - toUnixTimestamp64Milli(at)) AS ms ` +
    `FROM (${joined}) WINDOW w AS (PARTITION BY sid ORDER BY at ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)`;
  const search = q.search ? bag.value(q.search) : undefined;
  const having = search
    ? ` HAVING positionCaseInsensitiveUTF8(path, ${search}) > 0 OR positionCaseInsensitiveUTF8(origin, ${search}) > 0 OR positionCaseInsensitiveUTF8(title, ${search}) > 0`
    : '';
  const pages =
    `SELECT origin, path, argMaxIf(title, at, title != '') AS title, uniqExactIf(sid, sid != '') AS sessions, count() AS pageviews, ` +
    `round(avg(ms) / 60000, 2) AS avg_duration, ` +
    `if(sessions = 0, 0, round(uniqExactIf(sid, sid != '' AND bounce = 1) * 100 / sessions, 2)) AS bounce_rate ` +
    `FROM (${dwell}) GROUP BY origin, path${having}`;
  const direction = q.sortOrder === 'asc' ? 'ASC' : 'DESC';
  const limit = bag.named('limit', String(q.limit), 'UInt32');
  return {
    sql:
      `SELECT *, count() OVER () AS total_pages FROM (${pages}) ORDER BY ${q.sortBy} ${direction}, origin ASC, path ASC ` +
      `LIMIT ${limit} ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}
