import { decodeEventCursor } from './cursor';
import { invalid } from './errors';
import { compileFilters } from './filters';
import { ParamBag } from './params';
import { parseDateBound, resolveRange } from './range';
import { eventsWithSessionEvents, isSessionEventName } from './session-events';
import { EVENT_LIST_SETTINGS, EVENT_STREAM_SETTINGS, settingsClause } from './settings';
import { checkDatabase, DATETIME_PARAM, dateTimeParam, EVENT_ORDER_SQL, fromClause, OPEN_END, OPEN_START } from './source';
import { canonicalTimezone } from './timezone';
import type { Filter, RangeName, SqlStatement } from './types';

export const MAX_EVENT_PAGE_SIZE = 1000;
const MAX_LIST_VALUES = 100;
/** A profile and its aliases: generous, since aliases pile up over a profile's life. */
const MAX_PROFILE_IDS = 1000;
/** Rows per statement of a bulk export: bounds the memory of one step, not the export. */
export const EVENT_STREAM_CHUNK = 5000;

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
  /** From `splitEventPage`; excludes `offset`. */
  cursor?: string;
}

export interface EventListSql {
  /** Asks for `limit + 1` rows: the extra one only tells whether a next page exists (`splitEventPage`). */
  page: SqlStatement;
  /** Same FROM and WHERE as `page` minus the cursor: the size of the whole result, not what is left. */
  count: SqlStatement;
  /** The page number the cursor carried, or null (no cursor, or a token without one). */
  cursorPage: number | null;
}

/** Where a bulk export resumes: the last row it sent. */
export interface EventStreamPosition {
  createdAt: string;
  id: string;
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

/** The fields of a listed event, in column order (the header of a CSV export). */
export const EVENT_FIELDS: readonly string[] = EVENT_COLUMNS.map(([alias]) => alias);

const SELECT_EVENTS = EVENT_COLUMNS.map(([alias, sql]) => `${sql} AS ${alias}`).join(', ');

function stringList(values: string[] | undefined, field: string, max = MAX_LIST_VALUES): string[] {
  if (values === undefined) return [];
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw invalid([field], 'Expected a list of strings');
  if (values.length > max) throw invalid([field], `At most ${max} values`);
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
  // session_start and session_end are answered from the sessions, as charts answer them; only
  // when named, so that a plain listing reads the events table alone.
  const derived = events.filter(isSessionEventName);
  let source: string | undefined;
  if (derived.length > 0) {
    // The sessions are read within the window, which a listing may leave open on either side.
    bag.named('start', dateTimeParam(start ?? OPEN_START), DATETIME_PARAM);
    bag.named('end', dateTimeParam(end ?? OPEN_END), DATETIME_PARAM);
    source = eventsWithSessionEvents(database, derived, derived.length < events.length);
  }
  const profiles = stringList(q.profileIds, 'profileId', MAX_PROFILE_IDS);
  if (profiles.length > 0) where.push(`e.profile_id IN (${profiles.map((v) => bag.value(v)).join(', ')})`);

  const filters = compileFilters(q.filters, bag, ['filters']);
  if (filters) where.push(filters.sql);
  return { bag, from: fromClause(database, filters?.profile ?? false, source), where };
}

function checkPaging(q: EventListQuery): void {
  if (!Number.isSafeInteger(q.limit) || q.limit < 1 || q.limit > MAX_EVENT_PAGE_SIZE)
    throw invalid(['limit'], `Expected an integer from 1 to ${MAX_EVENT_PAGE_SIZE}`);
  if (q.offset !== undefined && (!Number.isSafeInteger(q.offset) || q.offset < 0)) throw invalid(['page'], 'Expected a positive integer');
  if (q.cursor !== undefined && (q.offset ?? 0) > 0)
    throw invalid(['cursor'], 'A cursor cannot be combined with a page other than the first');
}

/**
 * Rows strictly after `(createdAt, id)` in list order. The plain bound lets ClickHouse skip
 * parts by the sort key; the OR does the tie-break on the id.
 */
function seekAfter(bag: ParamBag, createdAt: Date, id: string): string[] {
  const at = bag.named('c_at', dateTimeParam(createdAt), DATETIME_PARAM);
  const idParam = bag.named('c_id', id, 'String');
  return [`e.created_at <= ${at}`, `(e.created_at < ${at} OR toString(e.id) < ${idParam})`];
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
  let cursorPage: number | null = null;
  if (q.cursor !== undefined) {
    const c = decodeEventCursor(q.cursor);
    cursorPage = c.page;
    pageWhere.push(...seekAfter(bag, c.createdAt, c.id));
  }
  const limit = bag.named('limit', String(q.limit + 1), 'UInt32');
  const offset = bag.named('offset', String(q.cursor === undefined ? (q.offset ?? 0) : 0), 'UInt64');
  const page: SqlStatement = {
    sql: `SELECT ${SELECT_EVENTS} ${from} WHERE ${pageWhere.join(' AND ')} ORDER BY ${EVENT_ORDER_SQL} LIMIT ${limit} OFFSET ${offset} ${settingsClause(EVENT_LIST_SETTINGS)}`,
    params: bag.params,
  };
  return { page, count, cursorPage };
}

/**
 * One step of a bulk export: the next `chunk` matching events after `after` (from the start
 * when absent), in page order. An export is a walk of such keyset steps, each a bounded query,
 * so memory stays flat however many rows the export holds, on a server as on the embedded
 * engine (whose client materialises each result), and nothing is read faster than it is sent.
 *
 * Each step costs what it returns, not what remains. The tie-break on the id is not part of
 * the table's sort key (project_id, toDate(created_at), created_at, name), so ClickHouse cannot
 * stop early on `ORDER BY created_at DESC, id DESC LIMIT n`: it read and sorted every row still
 * ahead, and a walk was quadratic. So a scalar subquery first finds `low`, the created_at of the
 * chunk-th row, ordered by a prefix of the sort key, which the engine reads in reverse order
 * and stops after the chunk; the step then takes the chunk from `[low, after]` only. At least
 * `chunk` rows lie there and every row before `low` comes after them, so the step is exactly
 * the next `chunk` rows of the full order; when fewer remain, `low` is NULL and the rest is
 * read. The bounds are repeated on toDate(created_at), the key column the engine's index can
 * seek on (it does not derive it from created_at), and only for instants taken from stored
 * rows, which lie within toDate's range (ingestion keeps 2000 onwards).
 */
export function buildEventStreamSql(
  q: Omit<EventListQuery, 'limit' | 'offset' | 'cursor'>,
  database: string,
  after?: EventStreamPosition,
  chunk = EVENT_STREAM_CHUNK,
): SqlStatement {
  if (!Number.isSafeInteger(chunk) || chunk < 1 || chunk > EVENT_STREAM_SETTINGS.max_result_rows)
    throw new Error(`invalid chunk size ${chunk}`);
  const { bag, from, where } = predicate({ ...q, limit: 1 }, database);
  if (after) {
    where.push(...seekAfter(bag, new Date(after.createdAt), after.id));
    where.push(`toDate(e.created_at) <= toDate({c_at:${DATETIME_PARAM}})`);
  }
  const skip = bag.named('skip', String(chunk - 1), 'UInt32');
  const limit = bag.named('limit', String(chunk), 'UInt32');
  const low =
    `(SELECT toNullable(e.created_at) ${from} WHERE ${where.join(' AND ')} ` +
    `ORDER BY toDate(e.created_at) DESC, e.created_at DESC LIMIT 1 OFFSET ${skip})`;
  const window = '(low IS NULL OR (toDate(e.created_at) >= toDate(assumeNotNull(low)) AND e.created_at >= assumeNotNull(low)))';
  return {
    sql:
      `WITH ${low} AS low SELECT ${SELECT_EVENTS} ${from} WHERE ${[...where, window].join(' AND ')} ` +
      `ORDER BY ${EVENT_ORDER_SQL} LIMIT ${limit} ${settingsClause(EVENT_STREAM_SETTINGS)}`,
    params: bag.params,
  };
}

/** How many events each of the given projects holds: `{ project_id, events }` rows, one per project that has any. */
export function buildEventCountsSql(projectIds: string[], database: string): SqlStatement {
  const bag = new ParamBag();
  const inList = projectIds.length > 0 ? projectIds.map((id) => bag.value(id)).join(', ') : "''";
  return {
    sql: `SELECT project_id, count() AS events FROM ${checkDatabase(database)}.events WHERE project_id IN (${inList}) GROUP BY project_id`,
    params: bag.params,
  };
}
