import { decodeEventCursor } from './cursor';
import { invalid } from './errors';
import { compileFilters } from './filters';
import { ParamBag } from './params';
import { parseDateBound, resolveRange } from './range';
import { EVENT_LIST_SETTINGS, EVENT_STREAM_SETTINGS, settingsClause } from './settings';
import { checkDatabase, DATETIME_PARAM, dateTimeParam, EVENT_ORDER_SQL, fromClause } from './source';
import { canonicalTimezone } from './timezone';
import type { Filter, RangeName, SqlStatement } from './types';

export const MAX_EVENT_PAGE_SIZE = 1000;
const MAX_LIST_VALUES = 100;

export interface EventListQuery {
  projectId: string;
  /** Zone in which bare dates and named ranges are read. */
  timezone: string;
  events?: string[];
  profileIds?: string[];
  /** Inclusive bounds as the query string carries them (`YYYY-MM-DD` = the whole day). */
  start?: string;
  end?: string;
  /** Used only when neither `start` nor `end` is given. */
  range?: RangeName;
  /** What `range` counts back from; defaults to the current time. */
  now?: Date;
  filters?: Filter[];
  limit: number;
  offset?: number;
  /** From `nextEventCursor`; excludes `offset`. */
  cursor?: string;
}

export interface EventListSql {
  page: SqlStatement;
  /** Same FROM and WHERE as `page` minus the cursor: the size of the whole result, not what is left. */
  count: SqlStatement;
}

/** Response-shaped columns; `createdAt` in the same ISO form as JavaScript's toISOString(). */
const EVENT_COLUMNS: [string, string][] = [
  ['id', 'toString(e.id)'],
  ['name', 'e.name'],
  ['deviceId', 'e.device_id'],
  ['profileId', 'e.profile_id'],
  ['projectId', 'e.project_id'],
  ['sessionId', 'e.session_id'],
  ['properties', 'e.properties'],
  ['createdAt', "concat(replaceOne(toString(e.created_at), ' ', 'T'), 'Z')"],
  ['country', 'e.country'],
  ['countryCode', 'e.country_code'],
  ['city', 'e.city'],
  ['region', 'e.region'],
  ['longitude', 'e.longitude'],
  ['latitude', 'e.latitude'],
  ['os', 'e.os'],
  ['osVersion', 'e.os_version'],
  ['browser', 'e.browser'],
  ['browserVersion', 'e.browser_version'],
  ['device', 'e.device'],
  ['brand', 'e.brand'],
  ['model', 'e.model'],
  // UInt64 would arrive as a JSON string; Float64 is exact up to 2^53.
  ['duration', 'toFloat64(e.duration)'],
  ['revenue', 'toFloat64(e.revenue)'],
  ['path', 'e.path'],
  ['origin', 'e.origin'],
  ['referrer', 'e.referrer'],
  ['referrerName', 'e.referrer_name'],
  ['referrerType', 'e.referrer_type'],
  ['sdkName', 'e.sdk_name'],
  ['sdkVersion', 'e.sdk_version'],
  ['groups', 'e.groups'],
  ['importedAt', "concat(replaceOne(toString(e.imported_at), ' ', 'T'), 'Z')"],
];

const SELECT_EVENTS = EVENT_COLUMNS.map(([alias, sql]) => `${sql} AS ${alias}`).join(', ');

function stringList(values: string[] | undefined, field: string): string[] {
  if (values === undefined) return [];
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw invalid([field], 'Expected a list of strings');
  if (values.length > MAX_LIST_VALUES) throw invalid([field], `At most ${MAX_LIST_VALUES} values`);
  return values;
}

interface Predicate {
  bag: ParamBag;
  from: string;
  where: string[];
}

/** The one predicate behind page, count and stream, so they can never disagree. */
function predicate(q: EventListQuery, database: string): Predicate {
  if (typeof q.projectId !== 'string' || q.projectId.length === 0) throw invalid(['projectId'], 'Required');
  const tz = canonicalTimezone(q.timezone, ['timezone']);
  const bag = new ParamBag();
  const where = [`e.project_id = ${bag.named('projectId', q.projectId, 'String')}`];

  let start: Date | undefined;
  let end: Date | undefined;
  if (q.start !== undefined || q.end !== undefined) {
    if (q.start !== undefined) start = parseDateBound(q.start, 'start', tz, ['start']);
    if (q.end !== undefined) end = parseDateBound(q.end, 'end', tz, ['end']);
    if (start && end && end.getTime() <= start.getTime()) throw invalid(['end'], 'end must not be before start');
  } else if (q.range !== undefined) {
    ({ start, end } = resolveRange(q.range, tz, q.now ?? new Date()));
  }
  if (start) where.push(`e.created_at >= ${bag.named('start', dateTimeParam(start), DATETIME_PARAM)}`);
  if (end) where.push(`e.created_at < ${bag.named('end', dateTimeParam(end), DATETIME_PARAM)}`);

  const events = stringList(q.events, 'event');
  if (events.length > 0) where.push(`e.name IN (${events.map((v) => bag.value(v)).join(', ')})`);
  const profiles = stringList(q.profileIds, 'profileId');
  if (profiles.length > 0) where.push(`e.profile_id IN (${profiles.map((v) => bag.value(v)).join(', ')})`);

  const filters = compileFilters(q.filters, bag, ['filters']);
  if (filters) where.push(filters.sql);
  return { bag, from: fromClause(database, filters?.profile ?? false), where };
}

function checkPaging(q: EventListQuery): void {
  if (!Number.isSafeInteger(q.limit) || q.limit < 1 || q.limit > MAX_EVENT_PAGE_SIZE) throw invalid(['limit'], `Expected an integer from 1 to ${MAX_EVENT_PAGE_SIZE}`);
  if (q.offset !== undefined && (!Number.isSafeInteger(q.offset) || q.offset < 0)) throw invalid(['page'], 'Expected a positive integer');
  if (q.cursor !== undefined && (q.offset ?? 0) > 0) throw invalid(['cursor'], 'A cursor cannot be combined with a page other than the first');
}

/**
 * A page of events, newest first with ties broken by id, and the total count under the very
 * same predicate. With a cursor the page is a keyset seek, `(created_at, id) < (cursor)`, so
 * deep pages cost what the first does; the count still counts the whole result.
 */
export function buildEventListSql(q: EventListQuery, database: string): EventListSql {
  checkPaging(q);
  const { bag, from, where } = predicate(q, database);
  const count: SqlStatement = {
    sql: `SELECT count() AS total ${from} WHERE ${where.join(' AND ')} ${settingsClause(EVENT_LIST_SETTINGS)}`,
    params: bag.params,
  };
  const pageWhere = [...where];
  if (q.cursor !== undefined) {
    const c = decodeEventCursor(q.cursor);
    const at = bag.named('c_at', dateTimeParam(c.createdAt), DATETIME_PARAM);
    const id = bag.named('c_id', c.id, 'String');
    // The plain bound lets ClickHouse skip parts by the sort key; the OR does the tie-break.
    pageWhere.push(`e.created_at <= ${at}`, `(e.created_at < ${at} OR toString(e.id) < ${id})`);
  }
  const limit = bag.named('limit', String(q.limit), 'UInt32');
  const offset = bag.named('offset', String(q.cursor === undefined ? (q.offset ?? 0) : 0), 'UInt64');
  const page: SqlStatement = {
    sql: `SELECT ${SELECT_EVENTS} ${from} WHERE ${pageWhere.join(' AND ')} ORDER BY ${EVENT_ORDER_SQL} LIMIT ${limit} OFFSET ${offset} ${settingsClause(EVENT_LIST_SETTINGS)}`,
    params: bag.params,
  };
  return { page, count };
}

/** Every matching event in page order, for NDJSON/CSV streaming: no limit, no offset. */
export function buildEventStreamSql(q: Omit<EventListQuery, 'limit' | 'offset' | 'cursor'>, database: string): SqlStatement {
  const { bag, from, where } = predicate({ ...q, limit: 1 }, database);
  return {
    sql: `SELECT ${SELECT_EVENTS} ${from} WHERE ${where.join(' AND ')} ORDER BY ${EVENT_ORDER_SQL} ${settingsClause(EVENT_STREAM_SETTINGS)}`,
    params: bag.params,
  };
}

/**
 * The current version of the given profiles of one project, in the shape of the `profile`
 * include. Fetched separately from the page so a page does not pay for a join it may not need.
 */
export function buildProfilesSql(projectId: string, ids: string[], database: string): SqlStatement {
  const bag = new ParamBag();
  const unique = [...new Set(ids)].slice(0, MAX_EVENT_PAGE_SIZE);
  const inList = unique.length > 0 ? unique.map((id) => bag.value(id)).join(', ') : "''";
  const projectParam = bag.named('projectId', projectId, 'String');
  return {
    sql:
      `SELECT id, first_name AS firstName, last_name AS lastName, email, avatar, is_external AS isExternal, properties, ` +
      `concat(replaceOne(toString(created_at), ' ', 'T'), 'Z') AS createdAt FROM ${checkDatabase(database)}.profiles FINAL ` +
      `WHERE project_id = ${projectParam} AND id IN (${inList}) ${settingsClause(EVENT_LIST_SETTINGS)}`,
    params: bag.params,
  };
}
