import { ApiError } from '@app/common';
import { listBuckets } from './buckets';
import { invalid } from './errors';
import { resolveRange, type ResolvedRange } from './range';
import { canonicalTimezone } from './timezone';
import { CHART_LIMITS, type ChartQuery, INTERVALS, SEGMENTS, type Segment } from './types';

/** What both the SQL builder and the response shaper derive from a query and `now`. */
export interface ChartPlan {
  query: ChartQuery;
  /** Canonical IANA name. */
  timezone: string;
  range: ResolvedRange;
  buckets: Date[];
  previousBuckets: Date[];
  /**
   * Breakdown groups each series keeps (1 without breakdowns): the largest groups, as many as
   * fit in CHART_LIMITS.maxValues, at most maxBreakdownGroups. The SQL returns no more, so the
   * answer's size is known before a statement runs.
   */
  groupsPerSeries: number;
}

export const PROPERTY_SEGMENTS: readonly Segment[] = ['property_sum', 'property_average', 'property_min', 'property_max'];

/**
 * Checks what the DTO layer cannot know (segment/property pairs, bucket counts, the zone) and
 * resolves the range. Builder and shaper both call it with the same `now`, so they agree on
 * every bucket; field names are checked where they are compiled, in the builder.
 */
export function planChart(query: ChartQuery, now: Date): ChartPlan {
  if (typeof query.projectId !== 'string' || query.projectId.length === 0) throw invalid(['projectId'], 'Required');
  const timezone = canonicalTimezone(query.timezone, ['timezone']);
  if (!(INTERVALS as readonly string[]).includes(query.interval)) throw invalid(['interval'], `Expected one of ${INTERVALS.join(', ')}`);
  if (!Array.isArray(query.events) || query.events.length === 0) throw invalid(['events'], 'At least one event is required');
  if (query.events.length > CHART_LIMITS.maxSeries) throw invalid(['events'], `At most ${CHART_LIMITS.maxSeries} events`);
  query.events.forEach((def, i) => {
    if (typeof def?.name !== 'string' || def.name.length === 0) throw invalid(['events', i, 'name'], 'Required');
    if (!(SEGMENTS as readonly string[]).includes(def.segment))
      throw invalid(['events', i, 'segment'], `Expected one of ${SEGMENTS.join(', ')}`);
    if (PROPERTY_SEGMENTS.includes(def.segment) && !def.property)
      throw invalid(['events', i, 'property'], `Required for segment ${def.segment}`);
  });
  if (!Array.isArray(query.breakdowns)) throw invalid(['breakdowns'], 'Expected an array');
  if (query.breakdowns.length > CHART_LIMITS.maxBreakdowns)
    throw invalid(['breakdowns'], `At most ${CHART_LIMITS.maxBreakdowns} breakdowns`);

  const range = resolveRange(query.range, timezone, now);
  const cap = CHART_LIMITS.maxBuckets + 1;
  const buckets = listBuckets(range, query.interval, timezone, cap);
  const previousBuckets = query.previous ? listBuckets(range.previous, query.interval, timezone, cap) : [];
  if (buckets.length >= cap || previousBuckets.length >= cap) {
    throw invalid(['interval'], `This range has more than ${CHART_LIMITS.maxBuckets} ${query.interval} buckets; choose a coarser interval`);
  }
  const perGroup = buckets.length + previousBuckets.length;
  const least = query.events.length * perGroup;
  if (least > CHART_LIMITS.maxValues) throw tooLarge(query, buckets.length, previousBuckets.length);
  const groupsPerSeries =
    query.breakdowns.length === 0 ? 1 : Math.min(CHART_LIMITS.maxBreakdownGroups, Math.floor(CHART_LIMITS.maxValues / least));
  return { query, timezone, range, buckets, previousBuckets, groupsPerSeries };
}

/** Says what the cap is and which knobs bring a request under it. */
function tooLarge(query: ChartQuery, buckets: number, previousBuckets: number): ApiError {
  const periods = previousBuckets > 0 ? ` + ${previousBuckets} previous` : '';
  const values = query.events.length * (buckets + previousBuckets);
  return ApiError.badRequest(
    `This chart would hold ${values} values (${query.events.length} series x ${buckets}${periods} ${query.interval} buckets) and an answer holds at most ` +
      `${CHART_LIMITS.maxValues}: choose a coarser interval, a shorter range, fewer events${previousBuckets > 0 ? ' or previous=false' : ''}`,
  );
}
