import { invalid } from '../errors';
import { ParamBag } from '../params';
import { settingsClause } from '../settings';
import { checkDatabase, DATETIME_PARAM, dateTimeParam } from '../source';
import type { SqlStatement } from '../types';
import { SESSION_COLUMNS, type SessionColumn } from '../sessions-sql';
import { currentOf, currentSessionsSql, sessionRowsWhere } from './session-source';
import { INSIGHT_SETTINGS, type ListPage, pageClause } from './web-sql';

/** Every session a profile ever had: the widest window the engine stores. */
const ALL_TIME = { start: new Date(Date.UTC(1900, 0, 1)), end: new Date(Date.UTC(2300, 0, 1) - 1) };

/** Most ids one profile's figures read: the profile and its aliases, as the event export caps them. */
export const MAX_PROFILE_ID_LIST = 1000;

/** `(… IN (…))` over a profile and its aliases: 1 to MAX_PROFILE_ID_LIST ids, each bound. */
function idList(bag: ParamBag, profileIds: readonly string[]): string {
  if (profileIds.length === 0) throw new Error('no profile ids');
  if (profileIds.length > MAX_PROFILE_ID_LIST) throw invalid(['profileId'], `At most ${MAX_PROFILE_ID_LIST} ids with its aliases`);
  return profileIds.map((id) => bag.value(id)).join(', ');
}

/**
 * The current sessions (aliased `s` by the caller) identified as the profile or one of its
 * aliases, over all time, with `columns`.
 */
function profileSessionsSql(
  database: string,
  bag: ParamBag,
  projectId: string,
  timezone: string,
  profileIds: readonly string[],
  columns: readonly SessionColumn[],
): string {
  const where = sessionRowsWhere(database, bag, { projectId, timezone, range: ALL_TIME });
  where.push(`s.profile_id IN (${idList(bag, profileIds)})`);
  return currentOf(checkDatabase(database), where, columns);
}

/** A page of the sessions of the profile and its aliases, newest first, ties by id. */
export function buildProfileSessionListSql(
  database: string,
  projectId: string,
  timezone: string,
  profileIds: readonly string[],
  page: ListPage,
): SqlStatement {
  const bag = new ParamBag();
  const sessions = profileSessionsSql(database, bag, projectId, timezone, profileIds, SESSION_COLUMNS);
  return {
    sql:
      `SELECT ${SESSION_COLUMNS.join(', ')} FROM ${sessions} AS s ORDER BY created_at DESC, id DESC ` +
      `${pageClause(bag, page)} ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/** The profile conditions that only events and sessions can answer; each is optional. */
export interface ProfileActivityConditions {
  /** Keep profiles with no event at or after this instant. */
  inactiveSince?: Date;
  /** Keep profiles with at least this many sessions (current, collapsed ones). */
  minSessions?: number;
  /** Keep profiles that ever did an event of this name. */
  performedEvent?: string;
}

/**
 * Most profile ids an activity condition may hand from ClickHouse to PostgreSQL. Each statement
 * asks for one more, so the caller can tell a set that was cut (and refuse to answer) from one
 * that fits; 100,000 ids are a few MB of parameters, far below what either side copes with.
 */
export const MAX_ACTIVITY_PROFILE_IDS = 100_000;

/** `LIMIT` of an id set: one more than `max`, so a cut set shows. */
function idSetLimit(bag: ParamBag, max: number): string {
  return `LIMIT ${bag.named('idLimit', positiveInt(max + 1, 'limit'), 'UInt64')}`;
}

/** The profile ids an activity condition selects (or, for inactiveSince, the ones it rules out). */
export interface ProfileIdRow {
  profile_id: string;
}

function positiveInt(value: number, path: string): string {
  if (!Number.isSafeInteger(value) || value < 1) throw invalid([path], 'Expected a positive integer');
  return String(value);
}

/**
 * Ids of the project's profiles with an event at or after `since`: the profiles that are
 * NOT inactive. Events of anonymous visitors (no profile id) are left out.
 */
export function buildActiveProfileIdsSql(database: string, projectId: string, since: Date, max = MAX_ACTIVITY_PROFILE_IDS): SqlStatement {
  const db = checkDatabase(database);
  const bag = new ParamBag();
  const project = bag.named('projectId', projectId, 'String');
  const from = bag.named('since', dateTimeParam(since), DATETIME_PARAM);
  return {
    sql:
      `SELECT DISTINCT e.profile_id AS profile_id FROM ${db}.events AS e ` +
      `WHERE e.project_id = ${project} AND e.created_at >= ${from} AND e.profile_id != '' ${idSetLimit(bag, max)} ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/** Ids of the project's profiles that ever did an event named `name`. */
export function buildPerformedEventProfileIdsSql(
  database: string,
  projectId: string,
  name: string,
  max = MAX_ACTIVITY_PROFILE_IDS,
): SqlStatement {
  const db = checkDatabase(database);
  const bag = new ParamBag();
  const project = bag.named('projectId', projectId, 'String');
  return {
    sql:
      `SELECT DISTINCT e.profile_id AS profile_id FROM ${db}.events AS e ` +
      `WHERE e.project_id = ${project} AND e.name = ${bag.value(name)} AND e.profile_id != '' ` +
      `${idSetLimit(bag, max)} ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/**
 * Ids of the project's profiles with at least `min` sessions, each session counted once in
 * its current version (a session's profile is the one it was identified as, else its device).
 */
export function buildMinSessionsProfileIdsSql(
  database: string,
  projectId: string,
  timezone: string,
  min: number,
  max = MAX_ACTIVITY_PROFILE_IDS,
): SqlStatement {
  const bag = new ParamBag();
  const sessions = currentSessionsSql(database, bag, { projectId, timezone, range: ALL_TIME }, ['profile_id']);
  const atLeast = bag.named('minSessions', positiveInt(min, 'minSessions'), 'UInt64');
  return {
    sql:
      `SELECT profile_id FROM ${sessions} AS s GROUP BY profile_id HAVING count() >= ${atLeast} ` +
      `${idSetLimit(bag, max)} ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/** Newest event time (UTC, engine format) of each of `profileIds`; ids without events are absent. */
export function buildProfilesLastSeenSql(database: string, projectId: string, profileIds: readonly string[]): SqlStatement {
  const db = checkDatabase(database);
  const bag = new ParamBag();
  const project = bag.named('projectId', projectId, 'String');
  if (profileIds.length === 0) throw new Error('no profile ids');
  const ids = profileIds.map((id) => bag.value(id)).join(', ');
  return {
    sql:
      `SELECT e.profile_id AS profile_id, max(e.created_at) AS last_seen_at FROM ${db}.events AS e ` +
      `WHERE e.project_id = ${project} AND e.profile_id IN (${ids}) GROUP BY e.profile_id ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/** The event columns a profile's recent events show (OpenPanel's raw event rows). */
export const PROFILE_EVENT_COLUMNS = [
  'id',
  'name',
  'device_id',
  'profile_id',
  'project_id',
  'session_id',
  'path',
  'origin',
  'referrer',
  'referrer_name',
  'referrer_type',
  'revenue',
  'duration',
  'properties',
  'created_at',
  'country',
  'city',
  'region',
  'os',
  'os_version',
  'browser',
  'browser_version',
  'device',
  'brand',
  'model',
  'groups',
] as const;

/** The newest `limit` events of the profile and its aliases, newest first, ties by id (its text, descending). */
export function buildProfileRecentEventsSql(
  database: string,
  projectId: string,
  profileIds: readonly string[],
  limit: number,
): SqlStatement {
  const db = checkDatabase(database);
  const bag = new ParamBag();
  const project = bag.named('projectId', projectId, 'String');
  const profiles = idList(bag, profileIds);
  const columns = PROFILE_EVENT_COLUMNS.map((c) => (c === 'id' ? 'toString(e.id) AS id' : `e.${c} AS ${c}`)).join(', ');
  return {
    sql:
      `SELECT ${columns} FROM ${db}.events AS e WHERE e.project_id = ${project} AND e.profile_id IN (${profiles}) ` +
      `ORDER BY e.created_at DESC, toString(e.id) DESC ${pageClause(bag, { limit, offset: 0 })} ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/** The figures of a profile's own events. */
export interface ProfileEventFiguresRow {
  total_events: number;
  screen_views: number;
  conversion_events: number;
  unique_days: number;
  revenue: number;
  last_event_at: string | null;
}

/**
 * One scan of the events of the profile (`profileIds`: its id and its aliases'): counts, distinct calendar days of the project's zone
 * with an event, the revenue of its revenue events and its newest event.
 */
export function buildProfileEventFiguresSql(
  database: string,
  projectId: string,
  timezone: string,
  profileIds: readonly string[],
): SqlStatement {
  const db = checkDatabase(database);
  const bag = new ParamBag();
  const project = bag.named('projectId', projectId, 'String');
  const profiles = idList(bag, profileIds);
  const tz = bag.named('tz', timezone, 'String');
  return {
    sql:
      `SELECT count() AS total_events, countIf(e.name = 'screen_view') AS screen_views, ` +
      `countIf(e.name NOT IN ('screen_view', 'session_start', 'session_end')) AS conversion_events, ` +
      `uniqExact(toDate(e.created_at, ${tz})) AS unique_days, toFloat64(sumIf(e.revenue, e.name = 'revenue')) AS revenue, ` +
      `if(count() = 0, NULL, max(e.created_at)) AS last_event_at ` +
      `FROM ${db}.events AS e WHERE e.project_id = ${project} AND e.profile_id IN (${profiles}) ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/** The figures of a profile's sessions. Durations are in milliseconds. */
export interface ProfileSessionFiguresRow {
  sessions: number;
  bounces: number;
  events: number;
  timed_sessions: number;
  avg_duration_ms: number;
  p90_duration_ms: number;
  first_start_ms: number | null;
  last_start_ms: number | null;
}

/**
 * The sessions of the profile (`profileIds`: its id and its aliases'), each once in its current version: how many, how many bounced, the
 * events they hold (screen views and others), the mean and 90th percentile (linear between
 * ranks, as numpy's default) of the durations of those that lasted, first and last start.
 */
export function buildProfileSessionFiguresSql(
  database: string,
  projectId: string,
  timezone: string,
  profileIds: readonly string[],
): SqlStatement {
  const bag = new ParamBag();
  const sessions = profileSessionsSql(database, bag, projectId, timezone, profileIds, [
    'created_at',
    'duration',
    'is_bounce',
    'event_count',
    'screen_view_count',
  ]);
  return {
    sql:
      `SELECT count() AS sessions, sum(is_bounce) AS bounces, sum(event_count + screen_view_count) AS events, ` +
      `countIf(duration > 0) AS timed_sessions, if(timed_sessions = 0, 0, avgIf(duration, duration > 0)) AS avg_duration_ms, ` +
      `if(timed_sessions = 0, 0, quantileExactInclusiveIf(0.9)(toFloat64(duration), duration > 0)) AS p90_duration_ms, ` +
      `if(count() = 0, NULL, toUnixTimestamp64Milli(min(created_at))) AS first_start_ms, ` +
      `if(count() = 0, NULL, toUnixTimestamp64Milli(max(created_at))) AS last_start_ms ` +
      `FROM ${sessions} AS s ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}
