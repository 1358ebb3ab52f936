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
 * `session_start` and `session_end` as rows shaped like `events`, made from the sessions the
 * builder keeps, so the chart engine reads them with the same SQL as stored events: one of
 * each per session, dated at its first (last) event, with its entry (exit) page as `path` and
 * `origin`, the first event's referrer, UTM (as `__query.*` properties), geo and device, and
 * on `session_end` the duration in ms and `__bounce` ('true'/'false'), as OpenPanel writes
 * them. Each session counts once, in its current version (see currentSessionsSql). The statement must bind `projectId`,
 * `start` and `end`, as chart statements do: the window is read on the sessions themselves.
 */
export function sessionEventsSource(database: string, name: SessionEventName): string {
  const db = checkDatabase(database);
  const end = name === 'session_end';
  const at = end ? 'ended_at' : 'created_at';
  // Every session column but those an event row has no place for.
  const columns = SESSION_COLUMNS.filter((c) => !['project_id', 'event_count', 'screen_view_count', 'revenue'].includes(c));
  const current = currentOf(
    db,
    ['s.project_id = {projectId:String}', `s.${at} >= {start:${DATETIME_PARAM}}`, `s.${at} < {end:${DATETIME_PARAM}}`],
    columns,
  );
  const utm = ['source', 'medium', 'campaign', 'content', 'term'].map((k) => `'__query.utm_${k}', utm_${k}`).join(', ');
  const properties = end
    ? `mapFilter((k, v) -> v != '', map(${utm}, '__bounce', if(is_bounce = 1, 'true', 'false')))`
    : `mapFilter((k, v) -> v != '', map(${utm}))`;
  const fields = [
    `toUUIDOrZero(sid) AS id`,
    `'${name}' AS name`,
    'device_id',
    // Events of anonymous visitors carry no profile id; a session names the device then.
    `if(profile_id = device_id, '', profile_id) AS profile_id`,
    `{projectId:String} AS project_id`,
    `sid AS session_id`,
    `${end ? 'exit_path' : 'entry_path'} AS path`,
    `${end ? 'exit_origin' : 'entry_origin'} AS origin`,
    // The first event's referrer, geo and device, as the session holds them.
    ...['referrer', 'referrer_name', 'referrer_type', 'country', 'country_code', 'city', 'region', 'longitude', 'latitude'],
    ...['os', 'os_version', 'browser', 'browser_version', 'device', 'brand', 'model'],
    `'' AS sdk_name`,
    `'' AS sdk_version`,
    `toUInt64(0) AS revenue`,
    `toUInt64(${end ? 'duration' : '0'}) AS duration`,
    `${at} AS created_at`,
    `CAST([], 'Array(String)') AS groups`,
    `${properties} AS properties`,
  ];
  // The id is read as `sid`: an alias `id` would shadow it for `session_id`.
  return `(SELECT ${fields.join(', ')} FROM (SELECT *, id AS sid FROM ${current}))`;
}
