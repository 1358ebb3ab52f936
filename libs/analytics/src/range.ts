import { invalid, type Path } from './errors';
import { civilDate, localTime, type LocalTime, utcMs, zonedInstant } from './timezone';
import { type DateRange, RANGE_NAMES, type RangeInput, type RangeName } from './types';

export interface ResolvedRange extends DateRange {
  /** The period of the same length that ends where this one starts. */
  previous: DateRange;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function isRangeName(value: string): value is RangeName {
  return (RANGE_NAMES as readonly string[]).includes(value);
}

/**
 * Resolves a named or custom range into instants, in the project's calendar: "today" is the
 * project's today. Every result is half-open, `[start, end)`.
 *
 * - Rolling ranges (`30min`, `lastHour`, `last24h`) end with the current minute, so a minute
 *   chart has exactly 30 or 60 buckets, the last one still filling.
 * - `Nd` and `Nm` are the N days or N months that end with today (7d = today and the 6 days
 *   before it, 7 daily buckets); `today`, `monthToDate` and `yearToDate` end with today too.
 * - A custom bare date covers its whole day; a date-time end is inclusive to the millisecond.
 * - The previous period has the same length and ends where this one starts (see previousRange).
 */
export function resolveRange(input: RangeInput, timeZone: string, now: Date, path: Path = []): ResolvedRange {
  const current = typeof input === 'string' ? namedRange(input, timeZone, now, [...path, 'range']) : customRange(input, timeZone, path);
  return { ...current, previous: previousRange(current, timeZone, unitOf(input)) };
}

/**
 * Only the calendar-month ranges step back by months; every other range, custom ones whose
 * bounds happen to be the 1st included, steps back by its exact number of days, so 30d is
 * always compared with 30 days.
 */
function unitOf(input: RangeInput): RangeUnit | undefined {
  if (input === 'lastMonth' || input === 'lastYear') return 'month';
  if (typeof input === 'string' && ['30min', 'lastHour', 'last24h'].includes(input)) return 'exact';
  return undefined;
}

function namedRange(name: RangeName, tz: string, now: Date, path: Path): DateRange {
  const t = localTime(now, tz);
  const day = (offsetDays: number, year = t.year, month = t.month, dayOfMonth = t.day) =>
    zonedInstant(tz, year, month, dayOfMonth + offsetDays);
  const tomorrow = day(1);
  const minuteEnd = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const rolling = (minutes: number): DateRange => ({ start: new Date(minuteEnd - minutes * MINUTE_MS), end: new Date(minuteEnd) });
  const monthsBack = (months: number): DateRange => {
    const next = civilDate(t.year, t.month, t.day + 1);
    const from = addMonthsClamped(next.year, next.month, next.day, -months);
    return { start: zonedInstant(tz, from.year, from.month, from.day), end: tomorrow };
  };
  switch (name) {
    case '30min':
      return rolling(30);
    case 'lastHour':
      return rolling(60);
    case 'last24h':
      return rolling(24 * 60);
    case 'today':
      return { start: day(0), end: tomorrow };
    case 'yesterday':
      return { start: day(-1), end: day(0) };
    case '7d':
      return { start: day(-6), end: tomorrow };
    case '30d':
      return { start: day(-29), end: tomorrow };
    case '3m':
      return monthsBack(3);
    case '6m':
      return monthsBack(6);
    case '12m':
      return monthsBack(12);
    case 'monthToDate':
      return { start: day(0, t.year, t.month, 1), end: tomorrow };
    case 'lastMonth':
      return { start: day(0, t.year, t.month - 1, 1), end: day(0, t.year, t.month, 1) };
    case 'yearToDate':
      return { start: day(0, t.year, 1, 1), end: tomorrow };
    case 'lastYear':
      return { start: day(0, t.year - 1, 1, 1), end: day(0, t.year, 1, 1) };
    default: {
      const unknown: never = name;
      throw invalid(path, `Unknown range ${String(unknown)}`);
    }
  }
}

function addMonthsClamped(year: number, month: number, day: number, months: number): { year: number; month: number; day: number } {
  const first = civilDate(year, month + months, 1);
  const lastDay = new Date(Date.UTC(first.year, first.month, 0)).getUTCDate();
  return { year: first.year, month: first.month, day: Math.min(day, lastDay) };
}

function customRange(input: { startDate: string; endDate: string }, tz: string, path: Path): DateRange {
  const start = parseDateBound(input.startDate, 'start', tz, [...path, 'startDate']);
  const end = parseDateBound(input.endDate, 'end', tz, [...path, 'endDate']);
  if (end.getTime() <= start.getTime()) throw invalid([...path, 'endDate'], 'endDate must not be before startDate');
  return { start, end };
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * The years ClickHouse's DateTime64 holds. A date outside them is refused with a 400 that says
 * so, rather than clamped: a bound the engine cannot store has no exact meaning (events are
 * stored from 2000 on anyway), and "year 1" deserves an answer that is not about its calendar.
 */
export const MIN_DATE_YEAR = 1900;
export const MAX_DATE_YEAR = 2299;
export const DATE_RANGE_MESSAGE = `Dates must lie between ${MIN_DATE_YEAR}-01-01 and ${MAX_DATE_YEAR}-12-31`;

/** A date or date-time as written: calendar fields checked, the zone (if any) not applied yet. */
export interface WrittenDate extends LocalTime {
  /** `Z` or `+hh:mm`-like suffix; undefined = the reader's zone. */
  zone?: string;
  dateOnly: boolean;
}

/**
 * Reads `YYYY-MM-DD` or an ISO 8601 date-time strictly, for every date of the API (range
 * bounds, custom chart ranges, `createdAt` filters): 30 February is not 1 March, and year 1 is
 * year 1 (and then outside the supported range), never 1901.
 */
export function parseWrittenDate(text: string, path: Path): WrittenDate {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  const date = DATE_ONLY.exec(trimmed);
  const dt = date ? null : DATE_TIME.exec(trimmed);
  const m = date ?? dt;
  if (!m) throw invalid(path, 'Expected YYYY-MM-DD or an ISO 8601 date-time');
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  const millisecond = dt?.[7] ? Number(dt[7].slice(0, 3).padEnd(3, '0')) : 0;
  const c = civilDate(year, month, day);
  if (c.year !== year || c.month !== month || c.day !== day || hour > 23 || minute > 59 || second > 59)
    throw invalid(path, 'Not a valid date');
  if (dt?.[8] && !validOffset(dt[8])) throw invalid(path, 'Not a valid date');
  if (year < MIN_DATE_YEAR || year > MAX_DATE_YEAR) throw invalid(path, DATE_RANGE_MESSAGE);
  return { year, month, day, hour, minute, second, millisecond, zone: dt?.[8], dateOnly: date !== null };
}

/** The instant of a written date, reading a date without offset as wall time in `tz`. */
export function writtenInstant(w: WrittenDate, tz: string): number {
  if (w.zone) return utcMs(w.year, w.month, w.day, w.hour, w.minute, w.second, w.millisecond) - zoneOffsetMs(w.zone);
  return zonedInstant(tz, w.year, w.month, w.day, w.hour, w.minute, w.second, w.millisecond).getTime();
}

/**
 * Parses one inclusive bound of a date filter. `YYYY-MM-DD` is a whole day of the project's
 * calendar; a date-time without an offset is the project's wall time; with `Z` or an offset it
 * is that instant. An `end` bound is returned exclusive (the next day, or the next millisecond).
 */
export function parseDateBound(text: string, edge: 'start' | 'end', tz: string, path: Path): Date {
  const w = parseWrittenDate(text, path);
  if (w.dateOnly) return zonedInstant(tz, w.year, w.month, edge === 'start' ? w.day : w.day + 1);
  const instant = writtenInstant(w, tz);
  return new Date(edge === 'start' ? instant : instant + 1);
}

function validOffset(zone: string): boolean {
  if (zone === 'Z') return true;
  const digits = zone.slice(1).replace(':', '');
  return Number(digits.slice(0, 2)) <= 23 && Number(digits.slice(2) || 0) <= 59;
}

function zoneOffsetMs(zone: string): number {
  if (zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return (zone[0] === '-' ? -1 : 1) * minutes * MINUTE_MS;
}

export function isMidnight(t: LocalTime): boolean {
  return t.hour === 0 && t.minute === 0 && t.second === 0 && t.millisecond === 0;
}

/** How a range's length is measured when stepping back to the previous period. */
export type RangeUnit = 'month' | 'day' | 'exact';

/**
 * The period of the same length just before `range`, measured in `unit` so daylight-saving
 * changes never shift buckets off midnight: whole months (lastMonth of March -> February),
 * whole local days (7d -> the 7 days before, even across a 23-hour day), or milliseconds.
 * Without a unit, a range from midnight to midnight counts in days, anything else exactly.
 */
export function previousRange(range: DateRange, tz: string, unit?: RangeUnit): DateRange {
  const s = localTime(range.start, tz);
  const e = localTime(range.end, tz);
  const measured = unit ?? (isMidnight(s) && isMidnight(e) ? 'day' : 'exact');
  if (measured === 'month') {
    const months = (e.year - s.year) * 12 + (e.month - s.month);
    return { start: zonedInstant(tz, s.year, s.month - months, s.day), end: range.start };
  }
  if (measured === 'day') {
    const days = Math.round((Date.UTC(e.year, e.month - 1, e.day) - Date.UTC(s.year, s.month - 1, s.day)) / DAY_MS);
    return { start: zonedInstant(tz, s.year, s.month, s.day - days), end: range.start };
  }
  const length = range.end.getTime() - range.start.getTime();
  return { start: new Date(range.start.getTime() - length), end: range.start };
}
