import { civilDate, dayStart, engineDay, weekdayMondayFirst } from './timezone';
import type { DateRange, Interval } from './types';

const FIXED_MS: Partial<Record<Interval, number>> = { minute: 60_000, hour: 3_600_000 };

/**
 * Minute and hour buckets are counted from the start of their day in elapsed time, and the
 * last one of a day ends where the next day starts: the rule ClickHouse's own toStartOfHour
 * follows in zones whose offset is not a whole number of hours, written out in bucketSql so
 * that the engine applies it in every zone. Wherever clocks change by whole hours (and
 * always in UTC) that is the wall-clock hour. With a 30-minute change (Lord Howe) the hours
 * of the changeover day after the change start at :30 and the day's last bucket is a half
 * hour; a repeated hour when clocks go back is two buckets.
 */
function fixedStart(instant: Date, step: number, tz: string): Date {
  const day = engineDay(instant, tz).start.getTime();
  return new Date(day + Math.floor((instant.getTime() - day) / step) * step);
}

/**
 * Start of the bucket holding `instant`, as the SQL of bucketSql computes it in the same zone:
 * minutes and hours see fixedStart, days, weeks (Monday first, ISO 8601) and months start at
 * the engine's start of their first day (dayStart).
 */
export function bucketStart(instant: Date, interval: Interval, tz: string): Date {
  const fixed = FIXED_MS[interval];
  if (fixed) return fixedStart(instant, fixed, tz);
  const d = engineDay(instant, tz);
  switch (interval) {
    case 'week': {
      const monday = civilDate(d.year, d.month, d.day - weekdayMondayFirst(d.year, d.month, d.day));
      return dayStart(tz, monday.year, monday.month, monday.day);
    }
    case 'month':
      return dayStart(tz, d.year, d.month, 1);
    default:
      return d.start;
  }
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucket(start: Date, interval: Interval, tz: string): Date {
  const fixed = FIXED_MS[interval];
  const d = engineDay(start, tz);
  const next = (days: number) => {
    const c = civilDate(d.year, d.month, d.day + days);
    return dayStart(tz, c.year, c.month, c.day);
  };
  if (fixed) {
    const candidate = start.getTime() + fixed;
    const tomorrow = next(1);
    return candidate < tomorrow.getTime() ? new Date(candidate) : tomorrow;
  }
  switch (interval) {
    case 'week':
      return next(7);
    case 'month': {
      const c = civilDate(d.year, d.month + 1, 1);
      return dayStart(tz, c.year, c.month, c.day);
    }
    default:
      return next(1);
  }
}

/**
 * Every bucket start that overlaps `range`, oldest first; the first may begin before the range
 * (a 30-day range starting on a Wednesday opens with that week's Monday). Stops after `cap`
 * buckets so a caller can detect an oversized request without building it.
 */
export function listBuckets(range: DateRange, interval: Interval, tz: string, cap = Number.POSITIVE_INFINITY): Date[] {
  const out: Date[] = [];
  const fixed = FIXED_MS[interval];
  if (fixed) {
    // nextBucket, a day at a time: the zone is asked for each day's end, not for each bucket
    // (a year of hours asked it 17,000 times, 2 s of the event loop for one request).
    const end = range.end.getTime();
    let b = bucketStart(range.start, interval, tz).getTime();
    while (b < end && out.length < cap) {
      const d = engineDay(new Date(b), tz);
      const c = civilDate(d.year, d.month, d.day + 1);
      const tomorrow = dayStart(tz, c.year, c.month, c.day).getTime();
      for (; b < tomorrow && b < end && out.length < cap; b += fixed) out.push(new Date(b));
      b = tomorrow;
    }
    return out;
  }
  for (
    let b = bucketStart(range.start, interval, tz);
    b.getTime() < range.end.getTime() && out.length < cap;
    b = nextBucket(b, interval, tz)
  ) {
    out.push(b);
  }
  return out;
}

/**
 * The bucket of `column` as Unix seconds of the bucket's first instant: a plain number that
 * compares exactly with `listBuckets`, whatever the zone. `tz` is a placeholder, not a name.
 * Minutes and hours are written as elapsed time from the start of the day (see fixedStart)
 * instead of toStartOfMinute/toStartOfHour, which switch to UTC rounding in zones whose offset
 * has been whole hours since 1970 and would then disagree with the list after a half-hour
 * change; the result is the same wherever those functions are right.
 */
export function bucketSql(interval: Interval, column: string, tz: string): string {
  const day = `toInt64(toUnixTimestamp(toStartOfDay(${column}, ${tz})))`;
  const fixed = (seconds: number) => `${day} + intDiv(toInt64(toUnixTimestamp(${column})) - ${day}, ${seconds}) * ${seconds}`;
  switch (interval) {
    case 'minute':
      return fixed(60);
    case 'hour':
      return fixed(3600);
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
