import { toClickhouseDateTime } from '@app/common';

/** Placeholder type of instants: the events table stores DateTime64(3, 'UTC'). */
export const DATETIME_PARAM = "DateTime64(3, 'UTC')";

/** Who did it: the profile when identified, else the device (anonymous visitors). */
export const ACTOR_SQL = "if(e.profile_id != '', e.profile_id, e.device_id)";

/** The tie-breaker of event order: UUIDs compare by their text so clients can reproduce it. */
export const EVENT_ORDER_SQL = 'e.created_at DESC, toString(e.id) DESC';

const DATABASE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The database comes from configuration, never a request, but it is still spliced: check it. */
export function checkDatabase(database: string): string {
  if (!DATABASE.test(database)) throw new Error(`invalid ClickHouse database name: ${database}`);
  return database;
}

/**
 * Events (or `source`, a subquery shaped like them: see sessionEventsSource), joined to the latest version of each profile of the same project when a predicate,
 * breakdown or property reads `p.`. FINAL collapses ReplacingMergeTree versions at read time;
 * the join's own project constraint keeps it from ever meeting another project's profiles.
 */
export function fromClause(database: string, withProfile: boolean, source?: string): string {
  const events = `${source ?? `${checkDatabase(database)}.events`} AS e`;
  if (!withProfile) return `FROM ${events}`;
  return (
    `FROM ${events} LEFT JOIN (SELECT id, first_name, last_name, email, avatar, properties, is_external ` +
    `FROM ${database}.profiles FINAL WHERE project_id = {projectId:String}) AS p ON p.id = e.profile_id`
  );
}

/** What DateTime64 holds: 1900-01-01 to 2299-12-31, to the millisecond. */
const ENGINE_MIN_MS = Date.UTC(1900, 0, 1);
const ENGINE_MAX_MS = Date.UTC(2300, 0, 1) - 1;

/** The bounds of a window left open: every instant DateTime64 holds (but its very last millisecond). */
export const OPEN_START = new Date(ENGINE_MIN_MS);
export const OPEN_END = new Date(ENGINE_MAX_MS);

/**
 * An instant as a DateTime64(3, 'UTC') parameter. Written dates are kept to the years
 * 1900-2299 (range.ts), but a project's zone can move a bound of 1900-01-01 a few hours before
 * 1900: such a bound is held at the edge, which selects exactly the same stored events.
 */
export function dateTimeParam(date: Date): string {
  return toClickhouseDateTime(new Date(Math.min(ENGINE_MAX_MS, Math.max(ENGINE_MIN_MS, date.getTime()))));
}
