import { resolveInsightDates } from './dates';

// 2024-04-10 14:00 in Berlin (UTC+2 in summer time).
const NOW = new Date('2024-04-10T12:00:00Z');
const TZ = 'Europe/Berlin';
const iso = (r: { start: Date; end: Date }) => [r.start.toISOString(), r.end.toISOString()];

describe('resolveInsightDates', () => {
  it('date-only bounds are whole days of the project calendar, both included', () => {
    expect(iso(resolveInsightDates({ startDate: '2024-04-01', endDate: '2024-04-03' }, TZ, NOW, '30d'))).toEqual([
      '2024-03-31T22:00:00.000Z',
      '2024-04-03T22:00:00.000Z',
    ]);
  });

  it('the default window ends with today, and a named range wins over the default', () => {
    expect(iso(resolveInsightDates({}, TZ, NOW, '7d'))).toEqual(['2024-04-03T22:00:00.000Z', '2024-04-10T22:00:00.000Z']);
    expect(iso(resolveInsightDates({ range: 'yesterday' }, TZ, NOW, '7d'))).toEqual([
      '2024-04-08T22:00:00.000Z',
      '2024-04-09T22:00:00.000Z',
    ]);
  });

  it('startDate alone runs to the end of today; endDate alone keeps the length of the range', () => {
    expect(iso(resolveInsightDates({ startDate: '2024-04-09' }, TZ, NOW, '30d'))).toEqual([
      '2024-04-08T22:00:00.000Z',
      '2024-04-10T22:00:00.000Z',
    ]);
    expect(iso(resolveInsightDates({ endDate: '2024-03-31', range: '7d' }, TZ, NOW, '30d'))).toEqual([
      '2024-03-24T23:00:00.000Z',
      '2024-03-31T22:00:00.000Z',
    ]);
  });

  it('refuses an end before the start, a start after today and impossible dates, naming the field', () => {
    const fail = (q: object) => {
      try {
        resolveInsightDates(q, TZ, NOW, '30d');
      } catch (e) {
        return (e as { details?: { path: unknown[] }[] }).details?.[0]?.path;
      }
      return 'no error';
    };
    expect(fail({ startDate: '2024-04-03', endDate: '2024-04-01' })).toEqual(['endDate']);
    expect(fail({ startDate: '2024-05-01' })).toEqual(['startDate']);
    expect(fail({ startDate: '2024-02-30', endDate: '2024-03-01' })).toEqual(['startDate']);
  });
});
