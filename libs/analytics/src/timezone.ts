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
    if (part.type === 'year' || part.type === 'month' || part.type === 'day' || part.type === 'hour' || part.type === 'minute' || part.type === 'second') {
      out[part.type] = Number(part.value);
    }
  }
  return out;
}

function wallMs(t: LocalTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
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
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // At most one transition lies within a day of any wall time, so the offsets a day either
  // side are the only two candidates.
  const before = wall - offsetMs(new Date(wall - DAY_MS), timeZone);
  const after = wall - offsetMs(new Date(wall + DAY_MS), timeZone);
  const fits = (t: number) => t + offsetMs(new Date(t), timeZone) === wall;
  const valid = [before, after].filter(fits);
  if (valid.length > 0) return new Date(Math.min(...valid));
  return new Date(Math.max(before, after));
}

/** A calendar date with rolled-over fields normalised (month 13 = January next year). */
export function civilDate(year: number, month: number, day: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(year, month - 1, day));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Monday = 0 ... Sunday = 6 of a calendar date. */
export function weekdayMondayFirst(year: number, month: number, day: number): number {
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
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
