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
    expect(local(fallBack, 'Europe/Berlin').filter((d) => d.startsWith('2024-10-27T02'))).toEqual([
      '2024-10-27T02:00:00.000+02:00',
      '2024-10-27T02:00:00.000+01:00',
    ]);
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

  it('hours of a 30-minute change (Lord Howe) count from midnight, as the engine does, and the day ends with a half hour', () => {
    const tz = 'Australia/Lord_Howe';
    const hours = local(listBuckets(range('2024-10-05T13:30:00Z', '2024-10-06T15:00:00Z'), 'hour', tz), tz);
    expect(hours.slice(0, 4)).toEqual([
      '2024-10-06T00:00:00.000+10:30',
      '2024-10-06T01:00:00.000+10:30',
      '2024-10-06T02:30:00.000+11:00',
      '2024-10-06T03:30:00.000+11:00',
    ]);
    expect(hours.slice(22)).toEqual([
      '2024-10-06T22:30:00.000+11:00',
      '2024-10-06T23:30:00.000+11:00',
      '2024-10-07T00:00:00.000+11:00',
      '2024-10-07T01:00:00.000+11:00',
    ]);
    expect(
      local([bucketStart(new Date('2024-10-06T12:50:00Z'), 'hour', tz), bucketStart(new Date('2024-10-06T13:10:00Z'), 'hour', tz)], tz),
    ).toEqual(['2024-10-06T23:30:00.000+11:00', '2024-10-07T00:00:00.000+11:00']);
  });

  it('a day whose clocks went back past midnight starts at the second midnight (Moncton, 2000)', () => {
    const tz = 'America/Moncton';
    expect(listBuckets(range('2000-10-28T03:00:00Z', '2000-10-30T05:00:00Z'), 'day', tz).map((d) => d.toISOString())).toEqual([
      '2000-10-28T03:00:00.000Z',
      '2000-10-29T04:00:00.000Z',
      '2000-10-30T04:00:00.000Z',
    ]);
  });

  it('stops at the cap', () => {
    expect(listBuckets(range('2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'), 'minute', 'UTC', 11)).toHaveLength(11);
  });

  it('renders ClickHouse bucket expressions with the zone as a placeholder', () => {
    expect(bucketSql('week', 'e.created_at', '{tz:String}')).toBe(
      'toUInt32(toDateTime(toStartOfWeek(e.created_at, 1, {tz:String}), {tz:String}))',
    );
    expect(bucketSql('day', 'e.created_at', '{tz:String}')).toBe('toUInt32(toStartOfDay(e.created_at, {tz:String}))');
  });
});
