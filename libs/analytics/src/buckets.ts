import { localTime, offsetMs, weekdayMondayFirst, zonedInstant } from './timezone';
import type { DateRange, Interval } from './types';

const FIXED_MS: Partial<Record<Interval, number>> = { minute: 60_000, hour: 3_600_000 };

/**
 * Start of the bucket holding `instant`, the way ClickHouse's toStartOf* functions compute it
 * in the same zone: minutes and hours by the wall clock (so a repeated hour when clocks go
 * back is two buckets), days, weeks (Monday first, ISO 8601) and months at local midnight.
 */
export function bucketStart(instant: Date, interval: Interval, tz: string): Date {
  const fixed = FIXED_MS[interval];
  if (fixed) {
    const wall = instant.getTime() + offsetMs(instant, tz);
    return new Date(instant.getTime() - (((wall % fixed) + fixed) % fixed));
  }
  const t = localTime(instant, tz);
  switch (interval) {
    case 'week':
      return zonedInstant(tz, t.year, t.month, t.day - weekdayMondayFirst(t.year, t.month, t.day));
    case 'month':
      return zonedInstant(tz, t.year, t.month, 1);
    default:
      return zonedInstant(tz, t.year, t.month, t.day);
  }
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucket(start: Date, interval: Interval, tz: string): Date {
  const fixed = FIXED_MS[interval];
  if (fixed) return new Date(start.getTime() + fixed);
  const t = localTime(start, tz);
  switch (interval) {
    case 'week':
      return zonedInstant(tz, t.year, t.month, t.day + 7);
    case 'month':
      return zonedInstant(tz, t.year, t.month + 1, 1);
    default:
      return zonedInstant(tz, t.year, t.month, t.day + 1);
  }
}

/**
 * Every bucket start that overlaps `range`, oldest first; the first may begin before the range
 * (a 30-day range starting on a Wednesday opens with that week's Monday). Stops after `cap`
 * buckets so a caller can detect an oversized request without building it.
 */
export function listBuckets(range: DateRange, interval: Interval, tz: string, cap = Number.POSITIVE_INFINITY): Date[] {
  const out: Date[] = [];
  for (let b = bucketStart(range.start, interval, tz); b.getTime() < range.end.getTime() && out.length < cap; b = nextBucket(b, interval, tz)) {
    out.push(b);
  }
  return out;
}

/**
 * The bucket of `column` as Unix seconds of the bucket's first instant: a plain number that
 * compares exactly with `listBuckets`, whatever the zone. `tz` is a placeholder, not a name.
 */
export function bucketSql(interval: Interval, column: string, tz: string): string {
  switch (interval) {
    case 'minute':
      return `toUInt32(toStartOfMinute(${column}, ${tz}))`;
    case 'hour':
      return `toUInt32(toStartOfHour(${column}, ${tz}))`;
    case 'day':
      return `toUInt32(toStartOfDay(${column}, ${tz}))`;
    case 'week':
      return `toUInt32(toDateTime(toStartOfWeek(${column}, 1, ${tz}), ${tz}))`;
    case 'month':
      return `toUInt32(toDateTime(toStartOfMonth(${column}, ${tz}), ${tz}))`;
    default: {
      const unknown: never = interval;
      throw new Error(`unknown interval ${String(unknown)}`);
    }
  }
}
