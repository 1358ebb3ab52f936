/**
 * Caps appended to every generated statement as a SETTINGS clause, so one request cannot hog
 * the cluster whoever runs the SQL. A query that hits one fails rather than returning partial
 * numbers (`*_overflow_mode = 'throw'`).
 */
export const CHART_QUERY_SETTINGS = {
  max_execution_time: 30,
  max_memory_usage: 2_000_000_000,
  // groups x buckets before the top-N cut: 1M distinct (bucket, breakdown) keys is far past
  // anything drawable, and bounds the hash tables of uniqExact.
  max_rows_to_group_by: 1_000_000,
  group_by_overflow_mode: 'throw',
  // CHART_LIMITS.maxBuckets x maxBreakdownGroups = 500k: the largest legitimate answer.
  max_result_rows: 500_000,
  result_overflow_mode: 'throw',
} as const;

/** A page of events is at most 1000 rows, the count one row. */
export const EVENT_LIST_SETTINGS = {
  max_execution_time: 30,
  max_memory_usage: 2_000_000_000,
  max_result_rows: 10_000,
  result_overflow_mode: 'throw',
} as const;

/**
 * One step of a bulk export (EVENT_STREAM_CHUNK rows): the export as a whole has no row cap
 * and no deadline, each of its statements has both.
 */
export const EVENT_STREAM_SETTINGS = {
  max_execution_time: 60,
  max_memory_usage: 2_000_000_000,
  max_result_rows: 100_000,
  result_overflow_mode: 'throw',
} as const;

export type QuerySettings = Readonly<Record<string, string | number>>;

/** Renders constants (never request data) as a SETTINGS clause. */
export function settingsClause(settings: QuerySettings): string {
  const parts = Object.entries(settings).map(([k, v]) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(k)) throw new Error(`invalid setting name ${k}`);
    if (typeof v === 'number') return `${k} = ${v}`;
    if (!/^[a-z_]+$/.test(v)) throw new Error(`invalid setting value ${v}`);
    return `${k} = '${v}'`;
  });
  return `SETTINGS ${parts.join(', ')}`;
}
