import { type ChartPlan, planChart } from './chart-plan';
import type { ChartRow } from './chart-sql';
import { formatZonedIso } from './timezone';
import type { ChartQuery, Segment } from './types';

/** A value of the previous period and how the current one compares to it. */
export interface PreviousValue {
  value: number;
  /** Signed percentage change, 2 decimals. */
  change: number;
  /** Absolute percentage change, 1 decimal. */
  diff: number;
  state: 'positive' | 'negative' | 'neutral';
}

export interface ChartMetrics {
  sum: number;
  average: number;
  min: number;
  max: number;
  previous?: { sum: PreviousValue; average: PreviousValue; min: PreviousValue; max: PreviousValue };
}

export interface ChartPoint {
  /** Bucket start in the project's zone, e.g. `2024-04-01T00:00:00.000+02:00` (`Z` for UTC). */
  date: string;
  count: number;
  previous?: PreviousValue;
}

export interface ChartSeries {
  id: string;
  names: string[];
  event: { id: string; name: string };
  metrics: ChartMetrics;
  data: ChartPoint[];
}

export interface ChartResponse {
  series: ChartSeries[];
  metrics: ChartMetrics;
}

/** Half away from zero, so -13.635 and 13.635 round alike. */
function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return (Math.sign(value) * Math.round(Math.abs(value) * f + Number.EPSILON)) / f;
}

/** Drops float noise (0.1 + 0.2) from sums without touching integers of any size. */
function tidy(value: number): number {
  return Number.isInteger(value) ? value : Number(value.toPrecision(12));
}

/**
 * Compares a current value with the previous period's. From a previous value of 0 the change
 * is +/-100% when anything happened and 0 when nothing did: "grew from nothing" reads better
 * than Infinity and keeps the field a number for typed clients. A negative previous value (a
 * property minimum) divides by its magnitude, so the sign still says up or down.
 */
export function previousValue(current: number, previous: number): PreviousValue {
  const state = current > previous ? 'positive' : current < previous ? 'negative' : 'neutral';
  const pct = previous === 0 ? (current === 0 ? 0 : 100 * Math.sign(current)) : ((current - previous) / Math.abs(previous)) * 100;
  return { value: tidy(previous), change: round(pct, 2), diff: round(Math.abs(pct), 1), state };
}

function summarise(values: number[]): Omit<ChartMetrics, 'previous'> {
  if (values.length === 0) return { sum: 0, average: 0, min: 0, max: 0 };
  const sum = values.reduce((a, b) => a + b, 0);
  return { sum: tidy(sum), average: round(sum / values.length, 2), min: tidy(Math.min(...values)), max: tidy(Math.max(...values)) };
}

function withPrevious(current: Omit<ChartMetrics, 'previous'>, previous: Omit<ChartMetrics, 'previous'> | undefined): ChartMetrics {
  if (!previous) return current;
  return {
    ...current,
    previous: {
      sum: previousValue(current.sum, previous.sum),
      average: previousValue(current.average, previous.average),
      min: previousValue(current.min, previous.min),
      max: previousValue(current.max, previous.max),
    },
  };
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_]+/gu, '-')
      .replace(/^-+|-+$/g, '') || 'series'
  );
}

interface Group {
  labels: string[];
  /** Values by bucket position: current[i] belongs to plan.buckets[i]. */
  current: Map<number, number>;
  previous: Map<number, number>;
  total: number;
}

/**
 * Position of the bucket holding `second` (Unix seconds) in `keys` (ascending): the exact
 * key, else the last bucket that starts before it, else the first. The builder and the list
 * use one rule (buckets.ts), so the exact key is always there while JavaScript's zone data and
 * the engine's agree; if they ever differ, a row lands in the bucket containing it instead of
 * vanishing from the chart.
 */
function bucketIndex(keys: number[], index: Map<number, number>, second: number): number {
  const exact = index.get(second);
  if (exact !== undefined) return exact;
  let lo = 0;
  let hi = keys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (keys[mid] <= second) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** How two values of one bucket combine when rows share it: by what the segment measures. */
function merger(segment: Segment): (a: number, b: number) => number {
  if (segment === 'property_min') return Math.min;
  if (segment === 'property_max') return Math.max;
  // Counts and sums add up; for distinct counts and averages the sum is the closest a row
  // that cannot be split again allows, and only a zone-data mismatch ever gets here.
  return (a, b) => a + b;
}

function groupRows(rows: ChartRow[], plan: ChartPlan): Map<string, Group>[] {
  const keys = { current: plan.buckets.map((b) => b.getTime() / 1000), previous: plan.previousBuckets.map((b) => b.getTime() / 1000) };
  const positions = { current: new Map(keys.current.map((k, i) => [k, i])), previous: new Map(keys.previous.map((k, i) => [k, i])) };
  const merge = plan.query.events.map((e) => merger(e.segment));
  const bySeries = Array.from({ length: plan.query.events.length }, () => new Map<string, Group>());
  for (const row of rows) {
    const seriesIndex = Number(row.series);
    const series = bySeries[seriesIndex];
    if (!series) continue;
    const labels = (row.breakdown ?? []).map(String);
    const key = JSON.stringify(labels);
    let group = series.get(key);
    if (!group) {
      group = { labels, current: new Map(), previous: new Map(), total: 0 };
      series.set(key, group);
    }
    const value = Number(row.value);
    const period = row.period === 'previous' ? 'previous' : 'current';
    if (keys[period].length === 0) continue;
    const at = bucketIndex(keys[period], positions[period], Number(row.bucket));
    const values = group[period];
    const before = values.get(at);
    values.set(at, before === undefined ? value : merge[seriesIndex](before, value));
    if (period === 'current') group.total += value;
  }
  return bySeries;
}

/**
 * Turns the rows of every statement of `buildChartSql` (concatenated, any order) into the
 * Export API's chart response. Every bucket of the range is present, zero-filled; previous
 * values pair with current ones by position (the first day with the first day before). A
 * series without breakdowns always appears; with breakdowns, one series per group that has
 * data in the current period, largest first, at most plan.groupsPerSeries of them. Top-level
 * metrics sum the series' sums, average their averages and take the extreme of their minima
 * and maxima.
 */
export function shapeChartResponse(rows: ChartRow[], query: ChartQuery, now: Date): ChartResponse {
  const plan: ChartPlan = planChart(query, now);
  const dates = plan.buckets.map((b) => formatZonedIso(b, plan.timezone));
  const grouped = groupRows(rows, plan);
  const usedIds = new Map<string, number>();
  const series: ChartSeries[] = [];
  const seriesPrevious: Omit<ChartMetrics, 'previous'>[] = [];

  query.events.forEach((def, index) => {
    let groups = [...grouped[index].values()].filter((g) => g.current.size > 0);
    if (query.breakdowns.length === 0 && groups.length === 0) groups = [{ labels: [], current: new Map(), previous: new Map(), total: 0 }];
    groups.sort((a, b) => b.total - a.total || JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
    for (const group of groups.slice(0, plan.groupsPerSeries)) {
      const counts = plan.buckets.map((_, i) => tidy(group.current.get(i) ?? 0));
      const previous = query.previous ? plan.buckets.map((_, i) => tidy(group.previous.get(i) ?? 0)) : undefined;
      const prevSummary = previous ? summarise(plan.previousBuckets.map((_, i) => tidy(group.previous.get(i) ?? 0))) : undefined;
      if (prevSummary) seriesPrevious.push(prevSummary);
      const names = [def.name, ...group.labels];
      const base = slug(names.join('-'));
      const seen = usedIds.get(base) ?? 0;
      usedIds.set(base, seen + 1);
      series.push({
        id: seen === 0 ? base : `${base}-${seen + 1}`,
        names,
        event: { id: def.id ?? String(index), name: def.name },
        metrics: withPrevious(summarise(counts), prevSummary),
        data: counts.map((count, i) =>
          previous ? { date: dates[i], count, previous: previousValue(count, previous[i]) } : { date: dates[i], count },
        ),
      });
    }
  });

  const total = combine(series.map((s) => s.metrics));
  return { series, metrics: withPrevious(total, query.previous ? combine(seriesPrevious) : undefined) };
}

function combine(metrics: Omit<ChartMetrics, 'previous'>[]): Omit<ChartMetrics, 'previous'> {
  if (metrics.length === 0) return { sum: 0, average: 0, min: 0, max: 0 };
  return {
    sum: tidy(metrics.reduce((a, m) => a + m.sum, 0)),
    average: round(metrics.reduce((a, m) => a + m.average, 0) / metrics.length, 2),
    min: Math.min(...metrics.map((m) => m.min)),
    max: Math.max(...metrics.map((m) => m.max)),
  };
}
