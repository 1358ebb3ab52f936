import { bucketSql, bucketStart, listBuckets, nextBucket } from '../buckets';
import { invalid } from '../errors';
import { ParamBag } from '../params';
import { settingsClause } from '../settings';
import { ACTOR_SQL, checkDatabase, DATETIME_PARAM, dateTimeParam } from '../source';
import { civilDate, dayStart, engineDay } from '../timezone';
import type { DateRange, SqlStatement } from '../types';
import { type InsightScope, scopeParams } from './session-source';
import { INSIGHT_SETTINGS } from './web-sql';

/** The intervals retention reads by (weeks start on Monday, in the project's zone, as in charts). */
export const RETENTION_INTERVALS = ['day', 'week', 'month'] as const;
export type RetentionInterval = (typeof RETENTION_INTERVALS)[number];

/** Intervals before the current one in the default window: 13 columns, as OpenPanel's 12 weeks back to now. */
export const DEFAULT_RETENTION_PERIODS = 12;

/** Most intervals one retention answer holds (a cohort table is their square). */
export const MAX_RETENTION_BUCKETS = 120;

/** Most days `active_users` lists in one answer. */
export const MAX_ACTIVE_USER_DAYS = 400;

/** Identified users: events of a profile, anonymous devices left out. */
const IDENTIFIED = "e.profile_id != ''";

/** The current interval and the DEFAULT_RETENTION_PERIODS before it, up to the end of today. */
export function defaultRetentionRange(interval: RetentionInterval, timeZone: string, now: Date): DateRange {
  const current = engineDay(bucketStart(now, interval, timeZone), timeZone);
  const back =
    interval === 'month'
      ? civilDate(current.year, current.month - DEFAULT_RETENTION_PERIODS, 1)
      : civilDate(current.year, current.month, current.day - DEFAULT_RETENTION_PERIODS * (interval === 'week' ? 7 : 1));
  const today = engineDay(now, timeZone);
  const tomorrow = civilDate(today.year, today.month, today.day + 1);
  return {
    start: dayStart(timeZone, back.year, back.month, back.day),
    end: dayStart(timeZone, tomorrow.year, tomorrow.month, tomorrow.day),
  };
}

/** The intervals overlapping the scope's window, oldest first, or a 400 when there are too many. */
export function retentionBuckets(scope: InsightScope, interval: RetentionInterval, max = MAX_RETENTION_BUCKETS): Date[] {
  const buckets = listBuckets(scope.range, interval, scope.timezone, max + 1);
  if (buckets.length > max) throw invalid(['interval'], `At most ${max} intervals: choose a longer interval or a shorter window`);
  return buckets;
}

/** `count` bucket starts from `first` on, as Unix seconds (the values bucketSql gives). */
function startsFrom(first: Date, interval: RetentionInterval, timeZone: string, count: number): Date[] {
  const out = [first];
  while (out.length < count) out.push(nextBucket(out[out.length - 1], interval, timeZone));
  return out;
}

const seconds = (dates: Date[]) => `[${dates.map((d) => Math.floor(d.getTime() / 1000)).join(',')}]`;

/** The week-over-week series as one row: per bucket of the window, its users and those seen in the next one. */
export interface RetentionSeriesRow {
  active_users: number[];
  retained_users: number[];
}

/** Which of the buckets starting at `starts` (and ending at `end`) each local day from the first one falls in. */
function dayBuckets(starts: Date[], end: Date, timeZone: string): number[] {
  const out: number[] = [];
  const dayNumber = (d: Date) => {
    const c = engineDay(d, timeZone);
    return Date.UTC(c.year, c.month - 1, c.day) / 86_400_000;
  };
  starts.forEach((b, k) => {
    const days = dayNumber(k + 1 < starts.length ? starts[k + 1] : end) - dayNumber(b);
    for (let i = 0; i < days; i++) out.push(k);
  });
  return out;
}

/** `bits` spread over 64-bit words: `(i) => SQL of word w` for the aggregate of each word. */
const words = (bits: number, word: (w: number) => string) =>
  `[${Array.from({ length: Math.ceil(bits / 64) }, (_, w) => word(w)).join(', ')}]`;

/** Bit `k` of a word array (`k` a lambda variable). */
const bit = (array: string, k: string) => `bitTest(${array}[intDiv(${k}, 64) + 1], ${k} % 64)`;

/**
 * Week over week (or day, month): per bucket of the window, the profiles active in it (events
 * inside the window) and how many of them are active in the bucket after it (read past the
 * window's end to that bucket's end). One scan of events, grouped by profile (by a 128-bit hash
 * of its id, as uniqExact counts): each profile's buckets as bits, its events' local days
 * mapped to buckets by a list made from the same bucket starts as charts (listBuckets), so
 * only the day, not the bucket, is computed per event. Then one sum per bucket.
 */
export function buildRetentionSeriesSql(database: string, scope: InsightScope, interval: RetentionInterval): SqlStatement {
  const bag = new ParamBag();
  const { project, start, end } = scopeParams(bag, scope);
  const buckets = retentionBuckets(scope, interval);
  const all = startsFrom(buckets[0], interval, scope.timezone, buckets.length + 1);
  const after = nextBucket(all[all.length - 1], interval, scope.timezone);
  const readEnd = bag.named('readEnd', dateTimeParam(after), DATETIME_PARAM);
  const first = engineDay(all[0], scope.timezone);
  const firstDay = bag.named('firstDay', isoDay(first), 'Date32');
  const map = bag.named('dayBuckets', `[${dayBuckets(all, after, scope.timezone).join(',')}]`, 'Array(UInt8)');
  const tz = bag.named('tz', scope.timezone, 'String');
  const n = buckets.length;
  const orIf = (cond: string) => (w: number) =>
    `groupBitOrIf(bitShiftLeft(toUInt64(1), b % 64), intDiv(b, 64) = ${w}${cond ? ` AND ${cond}` : ''})`;
  const events =
    `SELECT sipHash128(e.profile_id) AS who, e.created_at < ${end} AS inside, ` +
    `${map}[dateDiff('day', ${firstDay}, toDate32(e.created_at, ${tz})) + 1] AS b FROM ${checkDatabase(database)}.events AS e ` +
    `WHERE e.project_id = ${project} AND ${IDENTIFIED} AND e.created_at >= ${start} AND e.created_at < ${readEnd}`;
  const perProfile = `SELECT ${words(n + 1, orIf('inside'))} AS active, ${words(n + 1, orIf(''))} AS seen FROM (${events}) GROUP BY who`;
  return {
    sql:
      `SELECT sumForEach(arrayMap(k -> toUInt64(${bit('active', 'k')}), range(${n}))) AS active_users, ` +
      `sumForEach(arrayMap(k -> toUInt64(${bit('active', 'k')} AND ${bit('seen', '(k + 1)')}), range(${n}))) AS retained_users ` +
      `FROM (${perProfile}) ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/** Profiles whose first bucket in the window is `cohort` and whose last seen bucket is `span` later. */
export interface RetentionCohortRow {
  cohort: number;
  span: number;
  users: number;
}

/**
 * The cohort table's counts: each profile's cohort is the bucket of its first event inside the
 * window, and it counts in column k ("on or after") when it has any event k or more buckets
 * later, so only its first and last instants are needed: one scan of events, grouped by
 * profile (by a 128-bit hash of its id, as uniqExact counts; a profile without an event in the
 * window has no first instant and is left out), then by (cohort, span): buckets are computed
 * per profile, not per event. Returns are read up to the end of the last cohort's last
 * column (the window's length past its last bucket), as OpenPanel reads 12 weeks past its end.
 */
export function buildRetentionCohortSql(database: string, scope: InsightScope, interval: RetentionInterval): SqlStatement {
  const bag = new ParamBag();
  const { project, start, end } = scopeParams(bag, scope);
  const buckets = retentionBuckets(scope, interval);
  const starts = startsFrom(buckets[0], interval, scope.timezone, 2 * buckets.length - 1);
  const readEnd = bag.named('readEnd', dateTimeParam(nextBucket(starts[starts.length - 1], interval, scope.timezone)), DATETIME_PARAM);
  const startsParam = bag.named('starts', seconds(starts), 'Array(UInt32)');
  const tz = bag.named('tz', scope.timezone, 'String');
  const index = (column: string) => `toInt32(indexOf(${startsParam}, ${bucketSql(interval, column, tz)})) - 1`;
  const perProfile =
    `SELECT minIf(e.created_at, e.created_at < ${end}) AS first_at, max(e.created_at) AS last_at ` +
    `FROM ${checkDatabase(database)}.events AS e ` +
    `WHERE e.project_id = ${project} AND ${IDENTIFIED} AND e.created_at >= ${start} AND e.created_at < ${readEnd} ` +
    `GROUP BY sipHash128(e.profile_id)`;
  return {
    sql:
      `SELECT ${index('first_at')} AS cohort, ${index('last_at')} - cohort AS span, count() AS users ` +
      `FROM (${perProfile}) WHERE first_at >= ${start} GROUP BY cohort, span ORDER BY cohort, span ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/** Per day of the window, the distinct users active in the `days` days ending with it: one row. */
export interface ActiveUsersRow {
  users: number[];
}

/** The starts of the local days of the scope's window, oldest first, or a 400 when there are too many. */
export function activeUserDays(scope: InsightScope): Date[] {
  const days = listBuckets(scope.range, 'day', scope.timezone, MAX_ACTIVE_USER_DAYS + 1);
  if (days.length > MAX_ACTIVE_USER_DAYS) throw invalid(['startDate'], `At most ${MAX_ACTIVE_USER_DAYS} days: choose a shorter window`);
  return days;
}

const isoDay = (d: { year: number; month: number; day: number }) =>
  `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** Bits `from`..`to` (inclusive) of a row of 64-bit words, as their decimal texts. */
function bitRange(from: number, to: number, count: number): string[] {
  return Array.from({ length: count }, (_, w) => {
    let mask = 0n;
    for (let b = Math.max(from, 64 * w); b <= Math.min(to, 64 * w + 63); b++) mask |= 1n << BigInt(b - 64 * w);
    return mask.toString();
  });
}

/**
 * Rolling active users: for each day D of the window (the project's calendar days), the
 * distinct users (profiles, a device for anonymous ones) with an event in the `days` days
 * ending with D. One scan of events from `days - 1` days before the window, grouped by user
 * (by a 128-bit hash of the id, as uniqExact counts) into a bit per active day; a user counts
 * for D when one of D's `days` bits is set (a bound mask per day), summed per day in one row.
 */
export function buildActiveUsersSql(database: string, scope: InsightScope, days: number): SqlStatement {
  if (!Number.isInteger(days) || days < 1 || days > 90) throw invalid(['days'], 'days must be an integer from 1 to 90');
  const bag = new ParamBag();
  const list = activeUserDays(scope);
  const first = engineDay(list[0], scope.timezone);
  const from = civilDate(first.year, first.month, first.day - (days - 1));
  const project = bag.named('projectId', scope.projectId, 'String');
  const readStart = bag.named('readStart', dateTimeParam(dayStart(scope.timezone, from.year, from.month, from.day)), DATETIME_PARAM);
  const end = bag.named('end', dateTimeParam(scope.range.end), DATETIME_PARAM);
  const fromDay = bag.named('fromDay', isoDay(from), 'Date32');
  const bits = list.length + days - 1;
  const count = Math.ceil(bits / 64);
  const masks = list.map((_, j) => `[${bitRange(j, j + days - 1, count).join(',')}]`);
  const maskParam = bag.named('masks', `[${masks.join(',')}]`, 'Array(Array(UInt64))');
  const tz = bag.named('tz', scope.timezone, 'String');
  const events =
    `SELECT sipHash128(${ACTOR_SQL}) AS who, toUInt32(dateDiff('day', ${fromDay}, toDate32(e.created_at, ${tz}))) AS d ` +
    `FROM ${checkDatabase(database)}.events AS e ` +
    `WHERE e.project_id = ${project} AND e.created_at >= ${readStart} AND e.created_at < ${end} ` +
    `AND (e.device_id != '' OR e.profile_id != '')`;
  const perUser = `SELECT ${words(bits, (w) => `groupBitOrIf(bitShiftLeft(toUInt64(1), d % 64), intDiv(d, 64) = ${w})`)} AS seen FROM (${events}) GROUP BY who`;
  return {
    sql:
      `SELECT sumForEach(arrayMap(m -> toUInt64(arrayExists((a, b) -> bitAnd(a, b) != 0, seen, m)), ${maskParam})) AS users ` +
      `FROM (${perUser}) ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}

/** Identified users last seen `days` days before today (the project's calendar). */
export interface EngagementRow {
  days: number;
  users: number;
}

/**
 * Identified profiles by days since their last event (whole history), counted in the project's
 * calendar days against `today` (`YYYY-MM-DD`); an event dated after today counts as today.
 */
export function buildEngagementSql(database: string, projectId: string, timeZone: string, now: Date): SqlStatement {
  const bag = new ParamBag();
  const today = bag.named('today', isoDay(engineDay(now, timeZone)), 'Date32');
  const tz = bag.named('tz', timeZone, 'String');
  const perProfile =
    `SELECT greatest(0, dateDiff('day', toDate32(max(e.created_at), ${tz}), ${today})) AS days ` +
    `FROM ${checkDatabase(database)}.events AS e ` +
    `WHERE e.project_id = ${bag.named('projectId', projectId, 'String')} AND ${IDENTIFIED} GROUP BY sipHash128(e.profile_id)`;
  return {
    sql: `SELECT days, count() AS users FROM (${perProfile}) GROUP BY days ORDER BY days ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}
