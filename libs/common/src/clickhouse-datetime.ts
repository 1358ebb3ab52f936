const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `YYYY-MM-DD hh:mm:ss.sss` in UTC, the form DateTime64(3, 'UTC') columns parse. Built from
 * the UTC fields (about a third of the cost of toISOString + slice + replace, and every
 * ingested event pays it); years outside 1000..9999 take the ISO path, which widens them.
 */
export function toClickhouseDateTime(date: Date): string {
  const y = date.getUTCFullYear();
  if (y < 1000 || y > 9999 || Number.isNaN(y)) return date.toISOString().slice(0, 23).replace('T', ' ');
  return `${y}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}.${pad3(date.getUTCMilliseconds())}`;
}

/** Parses what ClickHouse returns for a DateTime64(3, 'UTC') column back into a Date. */
export function fromClickhouseDateTime(value: string): Date {
  return new Date(`${value.replace(' ', 'T')}Z`);
}
