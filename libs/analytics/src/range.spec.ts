import { invalidPath as pathOf } from '../test/invalid';
import { parseDateBound, previousRange, resolveRange } from './range';
import { canonicalTimezone, formatZonedIso, zonedInstant } from './timezone';
import { RANGE_NAMES, type RangeInput } from './types';

const iso = (d: Date) => d.toISOString();
const span = (input: RangeInput, tz: string, now: string) => {
  const r = resolveRange(input, tz, new Date(now));
  return [iso(r.start), iso(r.end), iso(r.previous.start), iso(r.previous.end)];
};

describe('resolveRange', () => {
  // Wednesday 3 April 2024, 12:34:56.789 in Berlin (CEST, UTC+2), three days after spring-forward.
  const now = '2024-04-03T10:34:56.789Z';
  const tz = 'Europe/Berlin';

  it.each<[string, string[]]>([
    ['30min', ['2024-04-03T10:05:00.000Z', '2024-04-03T10:35:00.000Z', '2024-04-03T09:35:00.000Z', '2024-04-03T10:05:00.000Z']],
    ['lastHour', ['2024-04-03T09:35:00.000Z', '2024-04-03T10:35:00.000Z', '2024-04-03T08:35:00.000Z', '2024-04-03T09:35:00.000Z']],
    ['last24h', ['2024-04-02T10:35:00.000Z', '2024-04-03T10:35:00.000Z', '2024-04-01T10:35:00.000Z', '2024-04-02T10:35:00.000Z']],
    ['today', ['2024-04-02T22:00:00.000Z', '2024-04-03T22:00:00.000Z', '2024-04-01T22:00:00.000Z', '2024-04-02T22:00:00.000Z']],
    ['yesterday', ['2024-04-01T22:00:00.000Z', '2024-04-02T22:00:00.000Z', '2024-03-31T22:00:00.000Z', '2024-04-01T22:00:00.000Z']],
    // 28 March .. 3 April; the 7 days before start on 21 March, still in winter time (UTC+1).
    ['7d', ['2024-03-27T23:00:00.000Z', '2024-04-03T22:00:00.000Z', '2024-03-20T23:00:00.000Z', '2024-03-27T23:00:00.000Z']],
    ['30d', ['2024-03-04T23:00:00.000Z', '2024-04-03T22:00:00.000Z', '2024-02-03T23:00:00.000Z', '2024-03-04T23:00:00.000Z']],
    ['3m', ['2024-01-03T23:00:00.000Z', '2024-04-03T22:00:00.000Z', '2023-10-04T22:00:00.000Z', '2024-01-03T23:00:00.000Z']],
    ['6m', ['2023-10-03T22:00:00.000Z', '2024-04-03T22:00:00.000Z', '2023-04-03T22:00:00.000Z', '2023-10-03T22:00:00.000Z']],
    // 366 days (2024 is a leap year), so the previous year starts a day earlier.
    ['12m', ['2023-04-03T22:00:00.000Z', '2024-04-03T22:00:00.000Z', '2022-04-02T22:00:00.000Z', '2023-04-03T22:00:00.000Z']],
    ['monthToDate', ['2024-03-31T22:00:00.000Z', '2024-04-03T22:00:00.000Z', '2024-03-28T23:00:00.000Z', '2024-03-31T22:00:00.000Z']],
    ['lastMonth', ['2024-02-29T23:00:00.000Z', '2024-03-31T22:00:00.000Z', '2024-01-31T23:00:00.000Z', '2024-02-29T23:00:00.000Z']],
    ['yearToDate', ['2023-12-31T23:00:00.000Z', '2024-04-03T22:00:00.000Z', '2023-09-28T22:00:00.000Z', '2023-12-31T23:00:00.000Z']],
    ['lastYear', ['2022-12-31T23:00:00.000Z', '2023-12-31T23:00:00.000Z', '2021-12-31T23:00:00.000Z', '2022-12-31T23:00:00.000Z']],
  ])('%s in Europe/Berlin', (name, expected) => {
    expect(span(name as RangeInput, tz, now)).toEqual(expected);
  });

  it('covers all 14 names of the spec', () => {
    expect(RANGE_NAMES).toHaveLength(14);
    for (const name of RANGE_NAMES) expect(() => resolveRange(name, 'UTC', new Date(now))).not.toThrow();
  });

  it('today on the spring-forward day is 23 hours and its previous day 24', () => {
    const r = resolveRange('today', tz, new Date('2024-03-31T12:00:00Z'));
    expect([iso(r.start), iso(r.end)]).toEqual(['2024-03-30T23:00:00.000Z', '2024-03-31T22:00:00.000Z']);
    expect([iso(r.previous.start), iso(r.previous.end)]).toEqual(['2024-03-29T23:00:00.000Z', '2024-03-30T23:00:00.000Z']);
  });

  it('today on the fall-back day in New York is 25 hours', () => {
    const r = resolveRange('today', 'America/New_York', new Date('2024-11-03T15:00:00Z'));
    expect(r.end.getTime() - r.start.getTime()).toBe(25 * 3_600_000);
    expect(iso(r.start)).toBe('2024-11-03T04:00:00.000Z');
  });

  it('uses the project calendar near midnight: 23:30 UTC is already tomorrow in Tokyo', () => {
    const r = resolveRange('today', 'Asia/Tokyo', new Date('2024-04-03T23:30:00Z'));
    expect(iso(r.start)).toBe('2024-04-03T15:00:00.000Z');
  });

  it('clamps month arithmetic at the end of a month (3m from 30 May starts 31 Feb -> 29 Feb)', () => {
    const r = resolveRange('3m', 'UTC', new Date('2024-05-30T08:00:00Z'));
    expect([iso(r.start), iso(r.end)]).toEqual(['2024-02-29T00:00:00.000Z', '2024-05-31T00:00:00.000Z']);
  });

  it('reads custom bare dates as whole days, inclusive, in the zone', () => {
    expect(span({ startDate: '2024-03-30', endDate: '2024-03-31' }, tz, now)).toEqual([
      '2024-03-29T23:00:00.000Z',
      '2024-03-31T22:00:00.000Z',
      '2024-03-27T23:00:00.000Z',
      '2024-03-29T23:00:00.000Z',
    ]);
  });

  it('reads custom date-times with and without an offset; an end is inclusive', () => {
    const r = resolveRange({ startDate: '2024-04-01T10:00:00', endDate: '2024-04-01T12:00:00.250+00:00' }, tz, new Date(now));
    expect([iso(r.start), iso(r.end)]).toEqual(['2024-04-01T08:00:00.000Z', '2024-04-01T12:00:00.251Z']);
    expect(iso(r.previous.start)).toBe('2024-04-01T03:59:59.749Z');
  });

  it.each<[RangeInput, unknown]>([
    [{ startDate: '2024-02-30', endDate: '2024-03-01' }, ['startDate']],
    [{ startDate: '2024-03-01', endDate: 'yesterday' }, ['endDate']],
    [{ startDate: '2024-03-02', endDate: '2024-03-01' }, ['endDate']],
    [{ startDate: '2024-03-01T25:00', endDate: '2024-03-02' }, ['startDate']],
    ['fortnight' as RangeInput, ['range']],
  ])('rejects %j at its path', (input, path) => {
    expect(pathOf(() => resolveRange(input, tz, new Date(now)))).toEqual(path);
  });
});

describe('previousRange', () => {
  it('steps back by months when asked (lastMonth of March -> February)', () => {
    const p = previousRange({ start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-04-01T00:00:00Z') }, 'UTC', 'month');
    expect([iso(p.start), iso(p.end)]).toEqual(['2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
  });

  it('steps back by days for a custom range that happens to be a whole month (30 days -> 30 days)', () => {
    const r = resolveRange({ startDate: '2024-04-01', endDate: '2024-04-30' }, 'UTC', new Date('2024-05-10T00:00:00Z'));
    expect(iso(r.previous.start)).toBe('2024-03-02T00:00:00.000Z');
  });

  it('measures an unaligned range in milliseconds', () => {
    const p = previousRange({ start: new Date('2024-03-01T00:10:00Z'), end: new Date('2024-03-01T00:40:00Z') }, 'UTC');
    expect(iso(p.start)).toBe('2024-02-29T23:40:00.000Z');
  });
});

describe('time zone helpers', () => {
  it('canonicalises spellings and rejects unknown zones', () => {
    expect(canonicalTimezone('europe/berlin')).toBe('Europe/Berlin');
    expect(pathOf(() => canonicalTimezone('Mars/Olympus'))).toEqual(['timezone']);
    expect(pathOf(() => canonicalTimezone("UTC'); DROP TABLE x; --"))).toEqual(['timezone']);
  });

  it('maps skipped wall times forward and repeated ones to their first occurrence', () => {
    expect(iso(zonedInstant('Europe/Berlin', 2024, 3, 31, 2, 30))).toBe('2024-03-31T01:30:00.000Z');
    expect(iso(zonedInstant('Europe/Berlin', 2024, 10, 27, 2, 30))).toBe('2024-10-27T00:30:00.000Z');
  });

  it('formats instants with the zone offset, Z for UTC', () => {
    expect(formatZonedIso(new Date('2024-03-31T22:00:00Z'), 'Europe/Berlin')).toBe('2024-04-01T00:00:00.000+02:00');
    expect(formatZonedIso(new Date('2024-04-01T00:00:00Z'), 'UTC')).toBe('2024-04-01T00:00:00.000Z');
    expect(formatZonedIso(new Date('2024-04-01T00:00:00Z'), 'Asia/Kathmandu')).toBe('2024-04-01T05:45:00.000+05:45');
    expect(formatZonedIso(new Date('2024-04-01T00:00:00Z'), 'America/St_Johns')).toBe('2024-03-31T21:30:00.000-02:30');
  });

  it('parses a bound as the start or the exclusive end', () => {
    expect(iso(parseDateBound('2024-04-15', 'end', 'UTC', ['end']))).toBe('2024-04-16T00:00:00.000Z');
    expect(iso(parseDateBound('2024-04-15 10:30', 'start', 'UTC', ['start']))).toBe('2024-04-15T10:30:00.000Z');
  });
});
