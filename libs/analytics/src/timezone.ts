import { invalid, type Path } from './errors';

/** Wall-clock fields of an instant in some time zone; `month` is 1-12. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

// Building an Intl.DateTimeFormat costs far more than using one, and every bucket of a
// response needs a conversion. Keyed by canonical name only, so the cache stays as small as
// the IANA list however callers spell their zones.
const formatters = new Map<string, Intl.DateTimeFormat>();

function makeFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = makeFormatter(timeZone);
    formatters.set(timeZone, f);
  }
  return f;
}

const TZ_SHAPE = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/**
 * The canonical IANA spelling of `timeZone` (ClickHouse matches zone names case-sensitively,
 * ICU does not), or a validation error at `path`.
 */
export function canonicalTimezone(timeZone: string, path: Path = ['timezone']): string {
  if (!TZ_SHAPE.test(timeZone)) throw invalid(path, 'Unknown time zone');
  let canonical: string;
  try {
    canonical = makeFormatter(timeZone).resolvedOptions().timeZone;
  } catch {
    throw invalid(path, 'Unknown time zone');
  }
  formatter(canonical);
  return canonical;
}

export function localTime(instant: Date, timeZone: string): LocalTime {
  const out: LocalTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: instant.getUTCMilliseconds() };
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (
      part.type === 'year' ||
      part.type === 'month' ||
      part.type === 'day' ||
      part.type === 'hour' ||
      part.type === 'minute' ||
      part.type === 'second'
    ) {
      out[part.type] = Number(part.value);
    }
  }
  return out;
}

/**
 * Date.UTC for every year: Date.UTC maps years 0 to 99 to 1900 to 1999, which would turn
 * `0001-01-01` into 1901 and make a valid date look invalid.
 */
export function utcMs(year: number, month: number, day = 1, hour = 0, minute = 0, second = 0, ms = 0): number {
  // The Gregorian calendar repeats every 400 years (146,097 days): compute in a year of the
  // same cycle that Date.UTC reads literally, then shift back by whole cycles.
  const cycles = Math.floor((year - 2000) / 400);
  return Date.UTC(year - cycles * 400, month - 1, day, hour, minute, second, ms) + cycles * CYCLE_MS;
}

const CYCLE_MS = 146_097 * 86_400_000;

function wallMs(t: LocalTime): number {
  return utcMs(t.year, t.month, t.day, t.hour, t.minute, t.second, t.millisecond);
}

/** Local time minus UTC at `instant`, in milliseconds (+2 h for Berlin in summer). */
export function offsetMs(instant: Date, timeZone: string): number {
  return wallMs(localTime(instant, timeZone)) - instant.getTime();
}

const DAY_MS = 86_400_000;

/**
 * The instant at which the clocks of `timeZone` show the given wall time. Out-of-range fields
 * roll over (day 32 is the 1st of the next month). A time repeated when clocks go back maps to
 * its first occurrence; a time skipped when they go forward maps to the same distance past the
 * jump (02:30 on a spring-forward night becomes 03:30), as most calendars do.
 */
export function zonedInstant(timeZone: string, year: number, month: number, day = 1, hour = 0, minute = 0, second = 0, ms = 0): Date {
  const { valid, skipped } = wallCandidates(timeZone, utcMs(year, month, day, hour, minute, second, ms));
  return new Date(valid.length > 0 ? valid[0] : skipped);
}

/**
 * The instants at which the clocks show `wall` (Unix ms of the wall time read as UTC), earliest
 * first: one, two when the clocks went back over it, none when they jumped over it (then
 * `skipped` is the instant as far past the jump as the wall time was past its start).
 */
function wallCandidates(timeZone: string, wall: number): { valid: number[]; skipped: number } {
  // At most one transition lies within a day of any wall time, so the offsets a day either
  // side are the only two candidates.
  const before = wall - offsetMs(new Date(wall - DAY_MS), timeZone);
  const after = wall - offsetMs(new Date(wall + DAY_MS), timeZone);
  const fits = (t: number) => t + offsetMs(new Date(t), timeZone) === wall;
  const valid = [...new Set([before, after])].filter(fits).sort((a, b) => a - b);
  return { valid, skipped: Math.max(before, after) };
}

/**
 * The first instant of a calendar day as ClickHouse's date tables define it (toStartOfDay,
 * toDateTime of a Date), so bucket lists built here meet the buckets the engine computes. It
 * differs from zonedInstant(midnight) in one case: when the clocks go back from after
 * midnight to the previous day (Moncton and St. John's until 2011, Casey in 2010), midnight
 * happens twice and the engine starts the day at the second one; when they go back exactly to
 * midnight (Havana), at the first.
 */
export function dayStart(timeZone: string, year: number, month: number, day: number): Date {
  const { valid, skipped } = wallCandidates(timeZone, utcMs(year, month, day));
  if (valid.length === 0) return new Date(skipped);
  if (valid.length === 1) return new Date(valid[0]);
  const second = valid[valid.length - 1];
  const wentBackToMidnight = offsetMs(new Date(second - 1000), timeZone) !== offsetMs(new Date(second), timeZone);
  return new Date(wentBackToMidnight ? valid[0] : second);
}

/**
 * The calendar day an instant belongs to in the engine's tables: the last day that has started
 * by then. It is the local date except in the sliver between a first midnight and a clock
 * change back into the previous day, which the engine counts to the day before (see dayStart).
 */
export function engineDay(instant: Date, timeZone: string): { year: number; month: number; day: number; start: Date } {
  const t = localTime(instant, timeZone);
  let start = dayStart(timeZone, t.year, t.month, t.day);
  if (start.getTime() <= instant.getTime()) return { year: t.year, month: t.month, day: t.day, start };
  const before = civilDate(t.year, t.month, t.day - 1);
  start = dayStart(timeZone, before.year, before.month, before.day);
  return { ...before, start };
}

/** A calendar date with rolled-over fields normalised (month 13 = January next year). */
export function civilDate(year: number, month: number, day: number): { year: number; month: number; day: number } {
  const d = new Date(utcMs(year, month, day));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Monday = 0 ... Sunday = 6 of a calendar date. */
export function weekdayMondayFirst(year: number, month: number, day: number): number {
  return (new Date(utcMs(year, month, day)).getUTCDay() + 6) % 7;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * ISO 8601 with the zone's offset (`2024-04-01T00:00:00.000+02:00`), `Z` when the offset is 0:
 * the same instant as `toISOString()`, but its date part is the project's calendar day.
 */
export function formatZonedIso(instant: Date, timeZone: string): string {
  const t = localTime(instant, timeZone);
  const offsetMinutes = Math.round(offsetMs(instant, timeZone) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const suffix = offsetMinutes === 0 ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}.${pad(t.millisecond, 3)}${suffix}`;
}
