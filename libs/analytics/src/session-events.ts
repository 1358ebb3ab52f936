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
 * them. Each session counts once, in its current version (cancel rows repeat the row they
 * cancel, so the window is applied before collapsing). The statement must bind `projectId`,
 * `start` and `end`, as chart statements do: the window is read on the sessions themselves.
 */
export function sessionEventsSource(database: string, name: SessionEventName): string {
  const db = checkDatabase(database);
  const end = name === 'session_end';
  const at = end ? 'ended_at' : 'created_at';
  const columns = [
    'device_id',
    'profile_id',
    'created_at',
    'ended_at',
    'duration',
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
  ];
  const collapsed =
    `SELECT s.id AS id, argMax(tuple(${columns.map((c) => `s.${c}`).join(', ')}), s.version) AS st FROM ${db}.sessions AS s ` +
    `WHERE s.project_id = {projectId:String} AND s.${at} >= {start:${DATETIME_PARAM}} AND s.${at} < {end:${DATETIME_PARAM}} ` +
    `GROUP BY s.id HAVING sum(s.sign) > 0`;
  const c = (column: string) => `tupleElement(st, ${columns.indexOf(column) + 1})`;
  const utm = ['source', 'medium', 'campaign', 'content', 'term'].map((k) => `'__query.utm_${k}', ${c(`utm_${k}`)}`).join(', ');
  const properties = end
    ? `mapFilter((k, v) -> v != '', map(${utm}, '__bounce', if(${c('is_bounce')} = 1, 'true', 'false')))`
    : `mapFilter((k, v) -> v != '', map(${utm}))`;
  const fields = [
    `toUUIDOrZero(id) AS id`,
    `'${name}' AS name`,
    `${c('device_id')} AS device_id`,
    // Events of anonymous visitors carry no profile id; a session names the device then.
    `if(${c('profile_id')} = ${c('device_id')}, '', ${c('profile_id')}) AS profile_id`,
    `{projectId:String} AS project_id`,
    `id AS session_id`,
    `${c(end ? 'exit_path' : 'entry_path')} AS path`,
    `${c(end ? 'exit_origin' : 'entry_origin')} AS origin`,
    ...['referrer', 'referrer_name', 'referrer_type', 'country', 'country_code', 'city', 'region', 'os', 'os_version', 'browser'].map(
      (k) => `${c(k)} AS ${k}`,
    ),
    ...['browser_version', 'device', 'brand', 'model', 'longitude', 'latitude'].map((k) => `${c(k)} AS ${k}`),
    `'' AS sdk_name`,
    `'' AS sdk_version`,
    `toUInt64(0) AS revenue`,
    `toUInt64(${end ? c('duration') : '0'}) AS duration`,
    `${c(at)} AS created_at`,
    `CAST([], 'Array(String)') AS groups`,
    `${properties} AS properties`,
  ];
  return `(SELECT ${fields.join(', ')} FROM (${collapsed}))`;
}
