import { SESSION_TIMEOUT_MS } from '@app/ingest';
import { ParamBag } from '../params';
import { settingsClause } from '../settings';
import { checkDatabase, DATETIME_PARAM, dateTimeParam } from '../source';
import type { SqlStatement } from '../types';
import type { InsightScope } from './session-source';
import { INSIGHT_SETTINGS } from './web-sql';

export const USER_FLOW_MODES = ['after', 'before', 'between'] as const;
export type UserFlowMode = (typeof USER_FLOW_MODES)[number];

/** OpenPanel's bounds on `steps` (2..10, default 5) and ours on the name lists. */
export const USER_FLOW_LIMITS = { minSteps: 2, maxSteps: 10, defaultSteps: 5, maxNames: 100 } as const;

/** The names a session's path starts and ends with: not stored as events here, added per session. */
export const SESSION_START = 'session_start';
export const SESSION_END = 'session_end';

export interface UserFlowQuery {
  startEvent: string;
  /** Required by `between`, ignored by the other modes. */
  endEvent?: string;
  mode: UserFlowMode;
  steps: number;
  /** Only these names (and the start and end events) make up the paths. */
  include?: readonly string[];
  /** These names are left out of the paths (ignored when `include` is given, as upstream). */
  exclude?: readonly string[];
}

/** One distinct path and how many sessions took it. */
export interface UserFlowPathRow {
  path: string[];
  sessions: number;
}

const names = (bag: ParamBag, list: readonly string[]) => `[${list.map((n) => bag.value(n)).join(', ')}]`;

/** `x` up to (without) the first name it already holds. */
const cutAtRepeat = (x: string) =>
  `arraySlice(${x}, 1, if(arrayFirstIndex(c -> c > 1, arrayEnumerateUniq(${x})) = 0, toInt64(length(${x})), ` +
  `toInt64(arrayFirstIndex(c -> c > 1, arrayEnumerateUniq(${x}))) - 1))`;

/**
 * The distinct paths of the user flow and their session counts, in one pass over the events of
 * the window: each device's events are gathered into one array, ordered by time (ties by id),
 * cut into sessions where the gap is 30 minutes or more (the session builder's rule, so
 * backdated and imported events, which carry no session id, are in their session), and each
 * session's names are filtered, collapsed where consecutive and sliced by the mode:
 * - `after`: from the first startEvent, `steps` names, cut before the first repeated name;
 * - `before`: up to `steps` names ending with the first startEvent;
 * - `between`: the `after` path, kept only when it reaches endEvent, ending there.
 * `session_start` and `session_end` open and close each session that starts (ends) in the
 * window. The events read reach 30 minutes past both ends of the window, so a session that
 * straddles an edge is cut where the builder cuts it (its events outside the window left out).
 * Paths shorter than two names are dropped.
 */
export function buildUserFlowSql(database: string, scope: InsightScope, q: UserFlowQuery): SqlStatement {
  const db = checkDatabase(database);
  const bag = new ParamBag();
  const project = bag.named('projectId', scope.projectId, 'String');
  const startMs = bag.named('startMs', String(scope.range.start.getTime()), 'Int64');
  const endMs = bag.named('endMs', String(scope.range.end.getTime()), 'Int64');
  const from = bag.named('from', dateTimeParam(new Date(scope.range.start.getTime() - SESSION_TIMEOUT_MS)), DATETIME_PARAM);
  const to = bag.named('to', dateTimeParam(new Date(scope.range.end.getTime() + SESSION_TIMEOUT_MS)), DATETIME_PARAM);
  const gap = bag.named('gap', String(SESSION_TIMEOUT_MS), 'Int64');
  const start = bag.named('startEvent', q.startEvent, 'String');
  if (q.mode === 'between' && q.endEvent === undefined) throw new Error('between needs an end event');
  const end = q.endEvent !== undefined ? bag.named('endEvent', q.endEvent, 'String') : undefined;
  const steps = bag.named('steps', String(q.steps), 'Int64');

  const devices =
    `SELECT arraySort(groupArray((toUnixTimestamp64Milli(e.created_at), toString(e.id), toString(e.name)))) AS evs ` +
    `FROM ${db}.events AS e WHERE e.project_id = ${project} AND e.created_at >= ${from} AND e.created_at < ${to} ` +
    `AND e.device_id != '' AND e.device != 'server' GROUP BY e.device_id`;
  const runs =
    `SELECT arrayJoin(arraySplit((x, cut) -> cut, evs, arrayMap((x, i) -> i = 1 OR x.1 - evs[i - 1].1 >= ${gap}, evs, arrayEnumerate(evs)))) AS run ` +
    `FROM (${devices})`;
  const inWindow = `arrayMap(x -> x.3, arrayFilter(x -> x.1 >= ${startMs} AND x.1 < ${endMs}, run))`;
  const marked =
    `arrayConcat(if(run[1].1 >= ${startMs} AND run[1].1 < ${endMs}, [${bag.value(SESSION_START)}], []), ${inWindow}, ` +
    `if(run[-1].1 >= ${startMs} AND run[-1].1 < ${endMs}, [${bag.value(SESSION_END)}], []))`;
  const include = q.include && q.include.length > 0 ? [...q.include, q.startEvent, ...(end ? [q.endEvent!] : [])] : undefined;
  const filtered = include
    ? `arrayFilter(n -> has(${names(bag, include)}, n), ${marked})`
    : q.exclude && q.exclude.length > 0
      ? `arrayFilter(n -> NOT has(${names(bag, q.exclude)}, n), ${marked})`
      : marked;
  const sessions = `SELECT ${filtered} AS raw, arrayFilter((n, i) -> i = 1 OR n != raw[i - 1], raw, arrayEnumerate(raw)) AS d FROM (${runs})`;

  const after = cutAtRepeat(`arraySlice(d, s, ${steps})`);
  let path: string;
  if (q.mode === 'after') path = after;
  else if (q.mode === 'before') path = `arraySlice(d, greatest(1, s - ${steps} + 1), s - greatest(1, s - ${steps} + 1) + 1)`;
  else path = `if(indexOf(${after}, ${end}) > 1, arraySlice(${after}, 1, toInt64(indexOf(${after}, ${end}))), CAST([], 'Array(String)'))`;

  const paths = `SELECT ${path} AS path FROM (SELECT d, toInt64(indexOf(d, ${start})) AS s FROM (${sessions}) WHERE has(d, ${start})) `;
  return {
    sql:
      `SELECT path, count() AS sessions FROM (${paths}) WHERE length(path) >= 2 GROUP BY path ` +
      `ORDER BY sessions DESC, path ASC ${settingsClause(INSIGHT_SETTINGS)}`,
    params: bag.params,
  };
}
