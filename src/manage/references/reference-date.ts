/**
 * ISO 8601 as references accept it: `2024-01-15`, `2024-01-15T10:00`, `…T10:00:00`,
 * `…T10:00:00.123`, with `Z` or an offset (`+02:00`, `-0500`). A date alone means 00:00 UTC;
 * a time without offset is UTC as well, so the answer never depends on the server's zone.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** The instant a reference `datetime` names, or undefined when it is not a real ISO 8601 date. */
export function parseReferenceDate(value: string): Date | undefined {
  const m = ISO.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m
    .slice(1, 7)
    .map((p) => (p === undefined ? undefined : Number(p))) as number[];
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 2024-02-30 over into March and reads years below 100 as 19xx: refuse both.
  const parsed = new Date(utc);
  if (parsed.getUTCDate() !== day || parsed.getUTCFullYear() !== year) return undefined;
  const offset = offsetMinutes(m[8]);
  return offset === undefined ? undefined : new Date(utc - offset * 60_000);
}

function offsetMinutes(zone: string | undefined): number | undefined {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}
