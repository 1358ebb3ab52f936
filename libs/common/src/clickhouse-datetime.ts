/** `YYYY-MM-DD hh:mm:ss.sss` in UTC, the form DateTime64(3, 'UTC') columns parse. */
export function toClickhouseDateTime(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

/** Parses what ClickHouse returns for a DateTime64(3, 'UTC') column back into a Date. */
export function fromClickhouseDateTime(value: string): Date {
  return new Date(`${value.replace(' ', 'T')}Z`);
}
