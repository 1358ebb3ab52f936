import { invalid } from '../errors';
import { isMidnight, parseDateBound, resolveRange } from '../range';
import { localTime, zonedInstant } from '../timezone';
import type { DateRange, RangeName } from '../types';

/** The date parameters every insights route takes (OpenPanel's `zDateRange`). */
export interface InsightDates {
  startDate?: string;
  endDate?: string;
  range?: RangeName;
}

/**
 * The window of an insights request, half-open `[start, end)`, in the project's calendar.
 * OpenPanel reads a date-only `endDate` as its midnight (so the last day, and today in the
 * default window, are left out) and ignores `range` on some routes; here every route reads
 * the same way:
 * - `startDate` and `endDate`: both days included (a date-time end is inclusive to the ms);
 * - `startDate` alone: from it to the end of today;
 * - `endDate` alone: a window as long as `range` (or the route's default), ending with it;
 * - neither: the named `range`, else the route's default (both end with today).
 */
export function resolveInsightDates(q: InsightDates, timeZone: string, now: Date, fallback: RangeName): DateRange {
  const named = resolveRange(q.range ?? fallback, timeZone, now);
  if (q.startDate === undefined && q.endDate === undefined) return { start: named.start, end: named.end };
  const start = q.startDate !== undefined ? parseDateBound(q.startDate, 'start', timeZone, ['startDate']) : undefined;
  const end = q.endDate !== undefined ? parseDateBound(q.endDate, 'end', timeZone, ['endDate']) : undefined;
  if (start && end) {
    if (end.getTime() <= start.getTime()) throw invalid(['endDate'], 'endDate must not be before startDate');
    return { start, end };
  }
  if (start) {
    const today = resolveRange('today', timeZone, now).end;
    if (today.getTime() <= start.getTime()) throw invalid(['startDate'], 'startDate must not be after today');
    return { start, end: today };
  }
  return { start: sameLengthBefore(named, end!, timeZone), end: end! };
}

/**
 * The start of a window as long as `model` that ends at `end`: in local days when both are at
 * midnight (so a daylight-saving change inside keeps the start at midnight), else exactly.
 */
function sameLengthBefore(model: DateRange, end: Date, timeZone: string): Date {
  const [s, e, t] = [model.start, model.end, end].map((d) => localTime(d, timeZone));
  if (![s, e, t].every(isMidnight)) return new Date(end.getTime() - (model.end.getTime() - model.start.getTime()));
  const days = Math.round((Date.UTC(e.year, e.month - 1, e.day) - Date.UTC(s.year, s.month - 1, s.day)) / 86_400_000);
  return zonedInstant(timeZone, t.year, t.month, t.day - days);
}
