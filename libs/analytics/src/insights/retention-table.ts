import { nextBucket } from '../buckets';
import { formatZonedIso } from '../timezone';
import type { ActiveUsersRow, EngagementRow, RetentionCohortRow, RetentionInterval, RetentionSeriesRow } from './retention-sql';

/** OpenPanel's week-over-week point, field names included; `retention` in percent. */
export interface RetentionPoint {
  date: string;
  active_users: number;
  retained_users: number;
  retention: number;
}

/** OpenPanel's cohort row: `percentages` are fractions 0-1. */
export interface CohortRow {
  cohort_interval: string;
  sum: number;
  values: number[];
  percentages: number[];
}

export interface ActiveUsersAnswer {
  window_days: number;
  label: string;
  series: { date: string; users: number }[];
}

export interface EngagementAnswer {
  summary: {
    total_identified_users: number;
    active_last_7_days: number;
    active_8_to_14_days: number;
    active_15_to_30_days: number;
    inactive_31_to_60_days: number;
    churned_60_plus_days: number;
  };
  distribution: EngagementRow[];
}

export const WEIGHTED_AVERAGE = 'Weighted Average';

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Every bucket of the window, zero-filled; retention is 100 × retained / active, 2 decimals. */
export function retentionSeries(rows: RetentionSeriesRow[], buckets: Date[], timeZone: string): RetentionPoint[] {
  const [r] = rows;
  return buckets.map((b, i) => {
    const active = Number(r?.active_users[i] ?? 0);
    const retained = Number(r?.retained_users[i] ?? 0);
    return {
      date: formatZonedIso(b, timeZone),
      active_users: active,
      retained_users: retained,
      retention: active > 0 ? round2((100 * retained) / active) : 0,
    };
  });
}

/**
 * The cohort table: one row per bucket of the window (zero-filled), column k counting the
 * cohort's profiles seen k or more buckets after it, behind a first "Weighted Average" row.
 * That row pools, for column k, only the cohorts whose k-th bucket has begun by `now` (a cohort
 * cannot have returned in a bucket still to come): its percentage is their returns over their
 * sizes, `sum` the mean size of all cohorts of the window and `values` percentage × that mean.
 */
export function cohortTable(
  rows: RetentionCohortRow[],
  buckets: Date[],
  interval: RetentionInterval,
  timeZone: string,
  now: Date,
): CohortRow[] {
  const n = buckets.length;
  const starts = [...buckets];
  while (starts.length < 2 * n - 1) starts.push(nextBucket(starts[starts.length - 1], interval, timeZone));
  const values = buckets.map(() => new Array<number>(n).fill(0));
  for (const r of rows) {
    const cohort = Number(r.cohort);
    const span = Number(r.span);
    if (cohort < 0 || cohort >= n || span < 0) continue;
    for (let k = 0; k <= Math.min(span, n - 1); k++) values[cohort][k] += Number(r.users);
  }
  const sizes = values.map((v) => v[0]);
  const cohorts: CohortRow[] = buckets.map((b, i) => ({
    cohort_interval: formatZonedIso(b, timeZone),
    sum: sizes[i],
    values: values[i],
    percentages: values[i].map((v) => (sizes[i] > 0 ? round2(v / sizes[i]) : 0)),
  }));
  const mean = n > 0 ? sizes.reduce((a, b) => a + b, 0) / n : 0;
  const rates = Array.from({ length: n }, (_, k) => {
    let returned = 0;
    let pooled = 0;
    for (let i = 0; i < n; i++) {
      if (starts[i + k].getTime() > now.getTime()) continue;
      returned += values[i][k];
      pooled += sizes[i];
    }
    return pooled > 0 ? returned / pooled : 0;
  });
  return [
    { cohort_interval: WEIGHTED_AVERAGE, sum: round2(mean), values: rates.map((r) => round2(r * mean)), percentages: rates.map(round2) },
    ...cohorts,
  ];
}

/** OpenPanel's label of a rolling window. */
export function activeUsersLabel(days: number): string {
  return days === 1 ? 'DAU' : days === 7 ? 'WAU' : days === 30 ? 'MAU' : `${days}d active`;
}

/** Every day of the window, oldest first, zero-filled. */
export function activeUsersSeries(rows: ActiveUsersRow[], days: Date[], windowDays: number, timeZone: string): ActiveUsersAnswer {
  const users = rows[0]?.users ?? [];
  return {
    window_days: windowDays,
    label: activeUsersLabel(windowDays),
    series: days.map((d, i) => ({ date: formatZonedIso(d, timeZone), users: Number(users[i] ?? 0) })),
  };
}

/** The summary's buckets: 0-7, 8-14, 15-30, 31-60 and more than 60 days since last seen. */
export function engagementOf(rows: EngagementRow[]): EngagementAnswer {
  const distribution = rows.map((r) => ({ days: Number(r.days), users: Number(r.users) }));
  const within = (lo: number, hi: number) => distribution.filter((r) => r.days >= lo && r.days <= hi).reduce((a, r) => a + r.users, 0);
  return {
    summary: {
      total_identified_users: within(0, Number.POSITIVE_INFINITY),
      active_last_7_days: within(0, 7),
      active_8_to_14_days: within(8, 14),
      active_15_to_30_days: within(15, 30),
      inactive_31_to_60_days: within(31, 60),
      churned_60_plus_days: within(61, Number.POSITIVE_INFINITY),
    },
    distribution,
  };
}
