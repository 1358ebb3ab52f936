import { bucketSql, bucketStart, listBuckets } from './buckets';
import { formatZonedIso } from './timezone';

const range = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });
const local = (dates: Date[], tz: string) => dates.map((d) => formatZonedIso(d, tz));

describe('buckets', () => {
  it('days follow local midnight across spring-forward (a 23-hour day)', () => {
    const days = listBuckets(range('2024-03-29T23:00:00Z', '2024-04-01T22:00:00Z'), 'day', 'Europe/Berlin');
    expect(local(days, 'Europe/Berlin')).toEqual([
      '2024-03-30T00:00:00.000+01:00',
      '2024-03-31T00:00:00.000+01:00',
      '2024-04-01T00:00:00.000+02:00',
    ]);
  });

  it('hours skip the missing hour of spring-forward and keep both copies of the repeated one', () => {
    expect(listBuckets(range('2024-03-30T23:00:00Z', '2024-03-31T22:00:00Z'), 'hour', 'Europe/Berlin')).toHaveLength(23);
    const fallBack = listBuckets(range('2024-10-26T22:00:00Z', '2024-10-27T23:00:00Z'), 'hour', 'Europe/Berlin');
    expect(fallBack).toHaveLength(25);
    expect(local(fallBack, 'Europe/Berlin').filter((d) => d.startsWith('2024-10-27T02'))).toEqual(['2024-10-27T02:00:00.000+02:00', '2024-10-27T02:00:00.000+01:00']);
  });

  it('weeks start on Monday, and the first bucket may begin before the range', () => {
    const weeks = listBuckets(range('2024-04-03T00:00:00Z', '2024-04-20T00:00:00Z'), 'week', 'UTC');
    expect(weeks.map((d) => d.toISOString().slice(0, 10))).toEqual(['2024-04-01', '2024-04-08', '2024-04-15']);
  });

  it('months start on the 1st at local midnight', () => {
    const months = listBuckets(range('2024-01-15T00:00:00Z', '2024-04-02T00:00:00Z'), 'month', 'America/New_York');
    expect(local(months, 'America/New_York').map((d) => d.slice(0, 10))).toEqual(['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01']);
  });

  it('hours in a zone offset by 45 minutes start at :15 UTC', () => {
    expect(bucketStart(new Date('2024-03-31T12:34:00Z'), 'hour', 'Asia/Kathmandu').toISOString()).toBe('2024-03-31T12:15:00.000Z');
  });

  it('stops at the cap', () => {
    expect(listBuckets(range('2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'), 'minute', 'UTC', 11)).toHaveLength(11);
  });

  it('renders ClickHouse bucket expressions with the zone as a placeholder', () => {
    expect(bucketSql('week', 'e.created_at', '{tz:String}')).toBe('toUInt32(toDateTime(toStartOfWeek(e.created_at, 1, {tz:String}), {tz:String}))');
    expect(bucketSql('day', 'e.created_at', '{tz:String}')).toBe('toUInt32(toStartOfDay(e.created_at, {tz:String}))');
  });
});
