import { zonedInstant } from '@app/analytics';

/** `YYYY-MM-DD` of the calendar day `offset` days from today in `timeZone`. */
export function zonedDay(timeZone: string, offset: number, now = new Date()): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(now);
  const [y, m, d] = today.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + offset)).toISOString().slice(0, 10);
}

/** The instant (epoch ms) of `hh:mm` on that day. */
export function zonedTime(timeZone: string, offset: number, hour: number, minute = 0): number {
  const [y, m, d] = zonedDay(timeZone, offset).split('-').map(Number);
  return zonedInstant(timeZone, y, m, d, hour, minute).getTime();
}
