// One session rule for both: ingestion's provisional ids and the runs cut here (a gap this
// long or longer, in event time, starts a new session).
import { SESSION_TIMEOUT_MS } from '@app/ingest';
import { ParamBag } from './params';
import { settingsClause } from './settings';
import { checkDatabase, DATETIME_PARAM, dateTimeParam } from './source';
import type { SqlStatement } from './types';

/** Where the tables are: configuration (a ClickhouseService or its DdlTarget fits), never a request. */
export interface SessionSqlTarget {
  database: string;
}

/** Events (or sessions) of one project in `[from, to]`, of some devices or of all of them. */
export interface SessionWindow {
  projectId: string;
  /** Absent: every device of the project (the bulk form). An empty list selects nothing. */
  deviceIds?: readonly string[];
  from: Date;
  to: Date;
  /**
   * Only the devices whose hash falls in slice `index` of `of`: a bulk rebuild can go through
   * a project in parts that each hold whole devices, so no run is cut between two parts.
   */
  slice?: { of: number; index: number };
}

/** The columns of `sessions` a statement here returns and the builder writes, in table order. */
export const SESSION_COLUMNS = [
  'id',
  'project_id',
  'device_id',
  'profile_id',
  'created_at',
  'ended_at',
  'duration',
  'event_count',
  'screen_view_count',
  'is_bounce',
  'entry_origin',
  'entry_path',
  'exit_origin',
  'exit_path',
  'referrer',
  'referrer_name',
  'referrer_type',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
  'country',
  'country_code',
  'region',
  'city',
  'longitude',
  'latitude',
  'os',
  'os_version',
  'browser',
  'browser_version',
  'device',
  'brand',
  'model',
  'revenue',
] as const;
export type SessionColumn = (typeof SESSION_COLUMNS)[number];

/** Columns of `sessions` that hold numbers; every other one holds text (times as `YYYY-MM-DD hh:mm:ss.mmm`, UTC). */
type NumericSessionColumn = 'duration' | 'event_count' | 'screen_view_count' | 'is_bounce' | 'revenue';

/**
 * A session as the statements here return it (JSONEachRow). 64-bit integers come as JSON
 * numbers on either engine (SESSION_BUILD_SETTINGS): durations in ms and revenue in cents stay
 * far below 2^53.
 */
export type SessionRow = Record<Exclude<SessionColumn, NumericSessionColumn | 'longitude' | 'latitude'>, string> &
  Record<NumericSessionColumn, number> & {
    longitude: number | null;
    latitude: number | null;
  };

/** A run recomputed from events, with the id it would take if its first choice were taken. */
export interface ComputedSessionRow extends SessionRow {
  fallback_id: string;
}

/** A session as stored now (the collapsed state), with the version of that state. */
export interface StoredSessionRow extends SessionRow {
  version: number;
}

/**
 * Fields a session takes from its first event, by event time. The UTM values are those of
 * the page URL's query, which ingestion keeps as `__query.*` properties.
 */
const FIRST_EVENT_FIELDS: readonly [SessionColumn, string][] = [
  ['referrer', 'referrer'],
  ['referrer_name', 'referrer_name'],
  ['referrer_type', 'toString(referrer_type)'],
  ['utm_source', "properties['__query.utm_source']"],
  ['utm_medium', "properties['__query.utm_medium']"],
  ['utm_campaign', "properties['__query.utm_campaign']"],
  ['utm_content', "properties['__query.utm_content']"],
  ['utm_term', "properties['__query.utm_term']"],
  ['country', 'toString(country)'],
  ['country_code', 'toString(country_code)'],
  ['region', 'toString(region)'],
  ['city', 'city'],
  ['longitude', 'longitude'],
  ['latitude', 'latitude'],
  ['os', 'toString(os)'],
  ['os_version', 'toString(os_version)'],
  ['browser', 'toString(browser)'],
  ['browser_version', 'toString(browser_version)'],
  ['device', 'toString(device)'],
  ['brand', 'toString(brand)'],
  ['model', 'toString(model)'],
];

/**
 * Events sent by a server (a user agent with no browser or app behind it, stored with device
 * `server`) never open or extend a session, as in OpenPanel: a backend's events would otherwise
 * be one endless "device". One that ingestion attached to its profile's live session keeps
 * that session's id and device id, so it is attributed to the session without changing it.
 */
const SERVER_EVENTS_EXCLUDED = "device != 'server'";

/** Event order within a device: time, then the id as text (as the event list orders ties). */
const EVENT_KEY = '(ms, eid)';
/** A screen view counts as a page of the session only when it names one. */
const IS_PAGE_VIEW = "(name = 'screen_view' AND path != '')";

/**
 * Window functions sort a device's events in memory: a rebuild of a large project should go
 * by `slice` so each statement holds a part of the devices.
 */
export const SESSION_BUILD_SETTINGS = {
  max_execution_time: 600,
  max_memory_usage: 4_000_000_000,
  // A server quotes 64-bit integers in JSON by default, the embedded engine does not.
  output_format_json_quote_64bit_integers: 0,
} as const;

function windowPredicate(bag: ParamBag, w: SessionWindow, timeColumn: 'created_at' | 'ended_at'): string[] {
  if (typeof w.projectId !== 'string' || w.projectId.length === 0) throw new Error('a session window needs a project id');
  if (!(w.from instanceof Date) || !(w.to instanceof Date) || Number.isNaN(w.from.getTime()) || Number.isNaN(w.to.getTime())) {
    throw new Error('a session window needs valid bounds');
  }
  const where = [`project_id = ${bag.named('projectId', w.projectId, 'String')}`];
  if (w.deviceIds !== undefined) {
    if (!Array.isArray(w.deviceIds) || w.deviceIds.some((v) => typeof v !== 'string')) throw new Error('device ids must be strings');
    where.push(w.deviceIds.length > 0 ? `device_id IN (${w.deviceIds.map((v) => bag.value(v)).join(', ')})` : 'false');
  }
  if (w.slice !== undefined) {
    const { of, index } = w.slice;
    if (!Number.isSafeInteger(of) || of < 1 || !Number.isSafeInteger(index) || index < 0 || index >= of)
      throw new Error(`invalid slice ${index} of ${of}`);
    where.push(`cityHash64(device_id) % ${bag.named('sliceOf', String(of), 'UInt32')} = ${bag.named('slice', String(index), 'UInt32')}`);
  }
  const from = bag.named('from', dateTimeParam(w.from), DATETIME_PARAM);
  const to = bag.named('to', dateTimeParam(w.to), DATETIME_PARAM);
  // toDate(created_at) leads the sort key after the project: the engine seeks on it only when
  // the bound is written on it too.
  where.push(`created_at <= ${to}`, `toDate(created_at) <= toDate(${to})`);
  if (timeColumn === 'created_at') where.push(`created_at >= ${from}`, `toDate(created_at) >= toDate(${from})`);
  else where.push(`ended_at >= ${from}`);
  return where;
}

/**
 * The sessions of a project's devices recomputed from their events with created_at in
 * `[from, to]`: events ordered by time (ties by id), a run cut wherever the gap to the
 * device's previous event is 30 minutes or more, one row per run. Events without a device
 * have no session. A caller that replaces stored sessions passes a window whose edges fall in
 * gaps of at least 30 minutes (the builder widens it over the sessions it overlaps), else the
 * runs at the edges are cut short.
 *
 * The id is the provisional session id ingestion gave the run's first event, unless that is
 * empty (backdated events get none) or an earlier run of the result already took it (ingestion
 * keeps a session over a gap of exactly 30 minutes): then `fallback_id`, a UUID derived from
 * the project, the device and the first event's id, so the same run is named alike on every
 * rebuild. Rows come with that fallback too, for the builder's own clashes.
 */
export function buildSessionsFromEventsSql(target: SessionSqlTarget, w: SessionWindow): SqlStatement {
  const database = checkDatabase(target.database);
  const bag = new ParamBag();
  const where = windowPredicate(bag, w, 'created_at');
  const projectId = bag.named('projectId', w.projectId, 'String');
  const gap = bag.named('gap', String(SESSION_TIMEOUT_MS), 'Int64');
  const firstExprs = FIRST_EVENT_FIELDS.map(([, expr], i) => `${expr} AS f${i}`).join(', ');
  const firstTuple = FIRST_EVENT_FIELDS.map((_f, i) => `f${i}`).join(', ');
  const firstColumns = FIRST_EVENT_FIELDS.map(([column], i) => `tupleElement(first, ${i + 1}) AS ${column}`).join(', ');
  const deviceOrder = `PARTITION BY device_id ORDER BY ms, eid ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`;

  const events =
    `SELECT device_id, toString(id) AS eid, toUnixTimestamp64Milli(created_at) AS ms, created_at, session_id, toString(name) AS name, ` +
    `path, origin, profile_id, revenue, ${firstExprs} ` +
    `FROM ${database}.events WHERE ${[...where, "device_id != ''", SERVER_EVENTS_EXCLUDED].join(' AND ')}`;
  const marked = `SELECT *, toUInt8(ms - lagInFrame(ms, 1, ms - ${gap}) OVER (${deviceOrder}) >= ${gap}) AS opens FROM (${events})`;
  const numbered = `SELECT *, sum(opens) OVER (${deviceOrder}) AS run FROM (${marked})`;
  const runs =
    `SELECT device_id, run, min(created_at) AS started, max(created_at) AS ended, ` +
    `argMin(session_id, ${EVENT_KEY}) AS first_session_id, argMin(eid, ${EVENT_KEY}) AS first_event_id, ` +
    `argMaxIf(profile_id, ${EVENT_KEY}, profile_id != '' AND profile_id != device_id) AS known_profile, ` +
    `countIf(${IS_PAGE_VIEW}) AS views, countIf(NOT ${IS_PAGE_VIEW}) AS others, ` +
    `argMinIf(origin, ${EVENT_KEY}, origin != '') AS entry_origin, argMinIf(path, ${EVENT_KEY}, path != '') AS entry_path, ` +
    `argMaxIf(origin, ${EVENT_KEY}, origin != '') AS exit_origin, argMaxIf(path, ${EVENT_KEY}, path != '') AS exit_path, ` +
    // One tuple, so Nullable coordinates come from the first event too (argMin skips NULLs).
    `argMin(tuple(${firstTuple}), ${EVENT_KEY}) AS first, ` +
    `sumIf(revenue, name = 'revenue') AS revenue_sum ` +
    `FROM (${numbered}) GROUP BY device_id, run`;
  const fallback = `toString(reinterpretAsUUID(sipHash128('session', ${projectId}, device_id, first_event_id)))`;
  const sql =
    `SELECT if(first_session_id = '' OR row_number() OVER (PARTITION BY first_session_id ORDER BY started, device_id) > 1, fallback_id, first_session_id) AS id, ` +
    `${projectId} AS project_id, device_id, if(known_profile = '', device_id, known_profile) AS profile_id, ` +
    `started AS created_at, ended AS ended_at, toUInt64(toUnixTimestamp64Milli(ended) - toUnixTimestamp64Milli(started)) AS duration, ` +
    `toUInt32(others) AS event_count, toUInt32(views) AS screen_view_count, toUInt8(views <= 1) AS is_bounce, ` +
    `entry_origin, entry_path, exit_origin, exit_path, ${firstColumns}, toUInt64(revenue_sum) AS revenue, ${fallback} AS fallback_id ` +
    `FROM (${runs}) ORDER BY device_id, created_at ${settingsClause(SESSION_BUILD_SETTINGS)}`;
  return { sql, params: bag.params };
}

/**
 * The bulk form: writes every run of the window as a first version (sign 1, version 1). Only
 * right where the window holds no stored session yet (a first build, or after the project's
 * sessions were removed); the builder maintains them from there.
 */
export function buildSessionsInsertSql(target: SessionSqlTarget, w: SessionWindow): SqlStatement {
  const select = buildSessionsFromEventsSql(target, w);
  const columns = SESSION_COLUMNS.join(', ');
  const settingsAt = select.sql.lastIndexOf(' SETTINGS ');
  return {
    sql:
      `INSERT INTO ${checkDatabase(target.database)}.sessions (${columns}, sign, version) ` +
      `SELECT ${columns}, toInt8(1), toUInt64(1) FROM (${select.sql.slice(0, settingsAt)})${select.sql.slice(settingsAt)}`,
    params: select.params,
  };
}

/**
 * The sessions as they stand (each id's latest version, pairs that cancelled left out) that
 * overlap `[from, to]`: started at or before `to` and ended at or after `from`. Rows of one
 * version carry the same values whatever their sign, so filtering rows before grouping keeps
 * or drops whole versions. One tuple per row for argMax, so a NULL coordinate of the latest
 * version is not passed over for an older one.
 */
export function buildCurrentSessionsSql(target: SessionSqlTarget, w: SessionWindow): SqlStatement {
  const database = checkDatabase(target.database);
  const bag = new ParamBag();
  const where = windowPredicate(bag, w, 'ended_at');
  const rest = SESSION_COLUMNS.filter((c) => c !== 'id');
  const columns = rest.map((c, i) => `tupleElement(state, ${i + 1}) AS ${c}`).join(', ');
  const grouped =
    `SELECT id, argMax(tuple(${rest.join(', ')}), version) AS state, max(version) AS latest ` +
    `FROM ${database}.sessions WHERE ${where.join(' AND ')} GROUP BY id HAVING sum(sign) > 0`;
  return {
    sql: `SELECT id, ${columns}, latest AS version FROM (${grouped}) ORDER BY device_id, created_at, id ${settingsClause(SESSION_BUILD_SETTINGS)}`,
    params: bag.params,
  };
}

/** The builder's progress through `session_dirty`, by name (one builder per name). */
export function buildCheckpointReadSql(target: SessionSqlTarget, name: string): SqlStatement {
  const bag = new ParamBag();
  return {
    sql: `SELECT count() AS rows, toString(max(inserted_at)) AS inserted_at FROM ${checkDatabase(target.database)}.session_checkpoint WHERE name = ${bag.named('name', name, 'String')}`,
    params: bag.params,
  };
}

/**
 * How far the next step may go: of the markers after `after` and at least `lagMs` old by the
 * engine's clock, the first `limit` (whole inserts: markers of one insert share their
 * instant). `upto` is the last instant among them; `markers` is 0 when none is waiting.
 */
export function buildDirtyStepSql(target: SessionSqlTarget, after: string, lagMs: number, limit: number): SqlStatement {
  if (!Number.isSafeInteger(lagMs) || lagMs < 0) throw new Error(`invalid lag ${lagMs}`);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`invalid limit ${limit}`);
  const bag = new ParamBag();
  const a = bag.named('after', after, DATETIME_PARAM);
  const lag = bag.named('lag', String(lagMs), 'UInt32');
  const n = bag.named('limit', String(limit), 'UInt32');
  return {
    sql:
      `SELECT count() AS markers, toString(max(inserted_at)) AS upto FROM (SELECT inserted_at FROM ${checkDatabase(target.database)}.session_dirty ` +
      `WHERE inserted_at > ${a} AND inserted_at <= now64(3) - toIntervalMillisecond(${lag}) ORDER BY inserted_at LIMIT ${n})`,
    params: bag.params,
  };
}

/**
 * The devices the markers in `(after, upto]` name, with the span of event time they cover.
 * A device's markers are grouped by the hour their span starts in, so an old event sent
 * today does not stretch the device's window over the days in between; the builder merges
 * spans that are close.
 */
export function buildDirtyDevicesSql(target: SessionSqlTarget, after: string, upto: string): SqlStatement {
  const bag = new ParamBag();
  const a = bag.named('after', after, DATETIME_PARAM);
  const u = bag.named('upto', upto, DATETIME_PARAM);
  return {
    sql:
      `SELECT project_id, device_id, toString(lo) AS first_at, toString(hi) AS last_at FROM (` +
      `SELECT project_id, device_id, min(first_at) AS lo, max(last_at) AS hi FROM ${checkDatabase(target.database)}.session_dirty ` +
      `WHERE inserted_at > ${a} AND inserted_at <= ${u} GROUP BY project_id, device_id, toStartOfHour(first_at)) ORDER BY project_id, device_id, lo`,
    params: bag.params,
  };
}
