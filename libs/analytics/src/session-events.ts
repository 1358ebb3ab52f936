import { currentOf } from './insights/session-source';
import { SESSION_COLUMNS } from './sessions-sql';
import { checkDatabase, DATETIME_PARAM } from './source';

/** The reserved names OpenPanel gives the events it writes at a session's first and last event. */
export const SESSION_EVENT_NAMES = ['session_start', 'session_end'] as const;
export type SessionEventName = (typeof SESSION_EVENT_NAMES)[number];

export function isSessionEventName(name: string): name is SessionEventName {
  return (SESSION_EVENT_NAMES as readonly string[]).includes(name);
}

/**
 * The columns of `events`, in table order, with what a session event puts in each: the stored
 * events and both derived ones are read through this one list, so a UNION of them lines up.
 */
function sessionEventColumns(name: SessionEventName): [string, string][] {
  const end = name === 'session_end';
  const utm = ['source', 'medium', 'campaign', 'content', 'term'].map((k) => `'__query.utm_${k}', utm_${k}`).join(', ');
  const properties = end
    ? `mapFilter((k, v) -> v != '', map(${utm}, '__bounce', if(is_bounce = 1, 'true', 'false')))`
    : `mapFilter((k, v) -> v != '', map(${utm}))`;
  const same = (c: string): [string, string] => [c, c];
  return [
    // Stable, and distinct for the start and end of one session (they can share an instant),
    // so the listing's (created_at, id) order and its cursor are total over derived rows too.
    ['id', `reinterpretAsUUID(MD5(concat('${name}:', sid)))`],
    ['name', `'${name}'`],
    same('device_id'),
    // Events of anonymous visitors carry no profile id; a session names the device then.
    ['profile_id', "if(profile_id = device_id, '', profile_id)"],
    ['project_id', '{projectId:String}'],
    ['session_id', 'sid'],
    ['groups', "CAST([], 'Array(String)')"],
    ['path', end ? 'exit_path' : 'entry_path'],
    ['origin', end ? 'exit_origin' : 'entry_origin'],
    // The first event's referrer, geo and device, as the session holds them.
    ...['referrer', 'referrer_name', 'referrer_type'].map(same),
    ['revenue', 'toUInt64(0)'],
    ['duration', `toUInt64(${end ? 'duration' : '0'})`],
    ['properties', properties],
    ['created_at', end ? 'ended_at' : 'created_at'],
    ...['country', 'country_code', 'city', 'region', 'longitude', 'latitude'].map(same),
    ...['os', 'os_version', 'browser', 'browser_version', 'device', 'brand', 'model'].map(same),
    ['sdk_name', "''"],
    ['sdk_version', "''"],
    ['imported_at', `CAST(NULL AS Nullable(${DATETIME_PARAM}))`],
  ];
}

/** The columns of an events-shaped source, in the order every branch of a UNION selects them. */
const EVENT_SOURCE_COLUMNS = sessionEventColumns('session_start').map(([c]) => c);

/**
 * `session_start` and `session_end` as rows shaped like `events`, made from the sessions the
 * builder keeps, so the chart engine reads them with the same SQL as stored events: one of
 * each per session, dated at its first (last) event, with its entry (exit) page as `path` and
 * `origin`, the first event's referrer, UTM (as `__query.*` properties), geo and device, and
 * on `session_end` the duration in ms and `__bounce` ('true'/'false'), as OpenPanel writes
 * them. Each session counts once, in its current version (see currentSessionsSql). The
 * statement must bind `projectId`, `start` and `end`, as chart statements do: the window is
 * read on the sessions themselves.
 */
export function sessionEventsSource(database: string, name: SessionEventName): string {
  const db = checkDatabase(database);
  const at = name === 'session_end' ? 'ended_at' : 'created_at';
  // Every session column but those an event row has no place for.
  const columns = SESSION_COLUMNS.filter((c) => !['project_id', 'event_count', 'screen_view_count', 'revenue'].includes(c));
  const current = currentOf(
    db,
    ['s.project_id = {projectId:String}', `s.${at} >= {start:${DATETIME_PARAM}}`, `s.${at} < {end:${DATETIME_PARAM}}`],
    columns,
  );
  const fields = sessionEventColumns(name).map(([column, sql]) => (sql === column ? column : `${sql} AS ${column}`));
  // The id is read as `sid`: an alias `id` would shadow it for `session_id`.
  return `(SELECT ${fields.join(', ')} FROM (SELECT *, id AS sid FROM ${current}))`;
}

/**
 * The events of a listing that names `session_start` or `session_end` (`names`): those come
 * from the sessions (sessionEventsSource), and when `stored` the project's stored events of
 * every other name are added to them. A stored event carrying a reserved name (an import may
 * hold one) is left out, as charts of those names leave it out, so no session counts twice.
 * Binds what sessionEventsSource binds.
 */
export function eventsWithSessionEvents(database: string, names: readonly SessionEventName[], stored: boolean): string {
  const db = checkDatabase(database);
  const branches = [...new Set(names)].map((name) => `SELECT * FROM ${sessionEventsSource(db, name)}`);
  if (stored) {
    const reserved = SESSION_EVENT_NAMES.map((n) => `'${n}'`).join(', ');
    branches.unshift(
      `SELECT ${EVENT_SOURCE_COLUMNS.join(', ')} FROM ${db}.events WHERE project_id = {projectId:String} AND name NOT IN (${reserved})`,
    );
  }
  return `(${branches.join(' UNION ALL ')})`;
}
