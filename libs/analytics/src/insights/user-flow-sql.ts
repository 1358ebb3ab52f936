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

/** The insights caps, and at most 200,000 distinct paths for the chart to be built from. */
export const USER_FLOW_SETTINGS = { ...INSIGHT_SETTINGS, max_result_rows: 200_000, result_overflow_mode: 'throw' } as const;

/** Bits of an event's packed number that hold its name's code (the rest: its time in ms, good to the year 2248). */
const CODE_BITS = 20;
const MAX_CODE = (1 << CODE_BITS) - 1;

/** The code of a name (its place in `dict`, the WITH of the statement); 0 when not listed. */
const code = (name: string) => `toUInt64(indexOf(dict, ${name}))`;

const names = (bag: ParamBag, list: readonly string[]) => `[${list.map((n) => bag.value(n)).join(', ')}]`;

/**
 * The distinct paths of the user flow and their session counts, in one pass over the events of
 * the window: each device's events are gathered into one array, ordered by time (ties by name),
 * cut into sessions where the gap is 30 minutes or more (the session builder's rule, so
 * backdated and imported events, which carry no session id, are in their session), and each
 * session's names are filtered, collapsed where consecutive and sliced by the mode:
 * - `after`: from the first startEvent, `steps` names, cut before the first repeated name;
 * - `before`: up to `steps` names ending with the first startEvent;
 * - `between`: the `after` path, kept only when it reaches endEvent, ending there.
 * `session_start` and `session_end` open and close each session that starts (ends) in the
 * window. The events read reach 30 minutes past both ends of the window, so a session that
 * straddles an edge is cut where the builder cuts it (its events outside the window left out).
 * Paths shorter than two names are dropped. More than USER_FLOW_SETTINGS.max_result_rows distinct
 * paths is a 400 (narrow the window), not an answer built from some of them.
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
  const startCode = code(start);
  if (q.mode === 'between' && q.endEvent === undefined) throw new Error('between needs an end event');
  const end = q.endEvent !== undefined ? code(bag.named('endEvent', q.endEvent, 'String')) : undefined;
  const steps = bag.named('steps', String(q.steps), 'Int64');

  // The names a path may hold, sorted: each event is one UInt64, its time in ms shifted left by
  // CODE_BITS and its name's place in this list (0: not on the list, left out of the paths but
  // still an event of its session). Sorting those numbers orders a device's events by time, then
  // name, and a device's array holds no strings: five times faster than (time, name) tuples on
  // 10M events. A window with more than MAX_CODE distinct names leaves the rest out.
  const markers = `${bag.value(SESSION_START)}, ${bag.value(SESSION_END)}`;
  const include =
    q.include && q.include.length > 0 ? [...q.include, q.startEvent, ...(q.endEvent !== undefined ? [q.endEvent] : [])] : undefined;
  // DISTINCT on the LowCardinality column reads its dictionary: 65 ms less than groupUniqArray on 10M events.
  const stored =
    `(SELECT groupArray(n) FROM (SELECT DISTINCT toString(e.name) AS n FROM ${db}.events AS e WHERE e.project_id = ${project} ` +
    `AND e.created_at >= ${from} AND e.created_at < ${to}))`;
  const listed = include
    ? names(bag, include)
    : q.exclude && q.exclude.length > 0
      ? `arrayFilter(n -> NOT has(${names(bag, q.exclude)}, n), arrayConcat(${stored}, [${markers}]))`
      : `arrayConcat(${stored}, [${markers}])`;
  const dict = `arraySlice(arraySort(arrayDistinct(${listed})), 1, ${MAX_CODE})`;
  const msOf = (x: string) => `bitShiftRight(${x}, ${CODE_BITS})`;
  // Devices that never did the start event have no path (session_start and session_end are not stored).
  const hasStart = q.startEvent !== SESSION_START && q.startEvent !== SESSION_END;
  // No lambda here reads a whole array by index (\`evs[i - 1]\`): ClickHouse would copy the array
  // for every element. Gaps come from arrayDifference, the previous name from a shifted copy.
  const devices =
    `SELECT arraySort(groupArray(bitOr(bitShiftLeft(toUInt64(toUnixTimestamp64Milli(e.created_at)), ${CODE_BITS}), ` +
    `toUInt64(transform(toString(e.name), dict, arrayEnumerate(dict), 0))))) AS evs ` +
    `FROM ${db}.events AS e WHERE e.project_id = ${project} AND e.created_at >= ${from} AND e.created_at < ${to} ` +
    `AND e.device_id != '' AND e.device != 'server' GROUP BY cityHash64(e.device_id), e.device_id${hasStart ? ` HAVING countIf(e.name = ${start}) > 0` : ''}`;
  const runs =
    `SELECT arrayJoin(arraySplit((x, cut) -> cut, evs, arrayMap(d -> d >= ${gap}, arrayDifference(arrayMap(x -> ${msOf('x')}, evs))))) AS run ` +
    `FROM (${devices})`;
  const inWindow = (x: string) => `${msOf(x)} >= ${startMs} AND ${msOf(x)} < ${endMs}`;
  const marked =
    `arrayConcat(if(${inWindow('run[1]')}, [${code(bag.value(SESSION_START))}], []), ` +
    `arrayMap(x -> bitAnd(x, ${MAX_CODE}), arrayFilter(x -> ${inWindow('x')}, run)), ` +
    `if(${inWindow('run[-1]')}, [${code(bag.value(SESSION_END))}], []))`;
  const sessions =
    `SELECT arrayFilter(c -> c != 0, ${marked}) AS raw, ` +
    `arrayFilter((c, prev, i) -> i = 1 OR c != prev, raw, arraySlice(arrayPushFront(raw, toUInt64(0)), 1, length(raw)), arrayEnumerate(raw)) AS d FROM (${runs})`;

  // Each step its own subquery, so no array expression is computed twice.
  const starting = `SELECT d, toInt64(indexOf(d, ${startCode})) AS s FROM (${sessions}) WHERE has(d, ${startCode})`;
  const before = `arraySlice(d, greatest(1, s - ${steps} + 1), s - greatest(1, s - ${steps} + 1) + 1)`;
  const sliced = `SELECT arraySlice(d, s, ${steps}) AS sl, arrayFirstIndex(c -> c > 1, arrayEnumerateUniq(sl)) AS rep FROM (${starting})`;
  const after = `SELECT if(rep = 0, sl, arraySlice(sl, 1, toInt64(rep) - 1)) AS a FROM (${sliced})`;
  const paths =
    q.mode === 'before'
      ? `SELECT ${before} AS codes FROM (${starting})`
      : q.mode === 'after'
        ? `SELECT a AS codes FROM (${after})`
        : `SELECT if(ei > 1, arraySlice(a, 1, ei), CAST([], 'Array(UInt64)')) AS codes FROM (SELECT a, toInt64(indexOf(a, ${end})) AS ei FROM (${after}))`;
  return {
    sql:
      `WITH ${dict} AS dict SELECT arrayMap(c -> dict[c], codes) AS path, count() AS sessions FROM (${paths}) ` +
      `WHERE length(codes) >= 2 GROUP BY codes ORDER BY sessions DESC, path ASC ${settingsClause(USER_FLOW_SETTINGS)}`,
    params: bag.params,
  };
}
