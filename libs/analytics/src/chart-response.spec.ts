import { previousValue, shapeChartResponse } from './chart-response';
import type { ChartRow } from './chart-sql';
import type { ChartQuery } from './types';

const NOW = new Date('2024-05-10T12:00:00Z');
const day = (iso: string) => new Date(`${iso}T00:00:00Z`).getTime() / 1000;

function query(overrides: Partial<ChartQuery> = {}): ChartQuery {
  return {
    projectId: 'p1',
    timezone: 'UTC',
    events: [{ id: 'evt1', name: 'screen_view', segment: 'event', filters: [] }],
    breakdowns: [],
    interval: 'day',
    range: { startDate: '2024-04-01', endDate: '2024-04-30' },
    previous: false,
    ...overrides,
  };
}

/** April 2024 totals 1250 (45, 52, 46, then 41 a day); the 30 days before total 1100 (38, 41, 49, then 36). */
function seedRows(breakdown: string[] = []): ChartRow[] {
  const rows: ChartRow[] = [];
  for (let i = 0; i < 30; i++) {
    const cur = [45, 52, 46][i] ?? 41;
    const prev = [38, 41, 49][i] ?? 36;
    rows.push({ series: 0, period: 'current', bucket: day('2024-04-01') + i * 86400, breakdown, value: cur });
    rows.push({ series: 0, period: 'previous', bucket: day('2024-03-02') + i * 86400, breakdown, value: prev });
  }
  return rows;
}

describe('previousValue', () => {
  it.each<[number, number, number, number, string]>([
    [1250, 1100, 13.64, 13.6, 'positive'],
    [45, 38, 18.42, 18.4, 'positive'],
    [52, 41, 26.83, 26.8, 'positive'],
    [38, 45, -15.56, 15.6, 'negative'],
    [7, 7, 0, 0, 'neutral'],
    [0, 0, 0, 0, 'neutral'],
    [5, 0, 100, 100, 'positive'],
    [-3, 0, -100, 100, 'negative'],
    [-2, -4, 50, 50, 'positive'],
  ])('%d against %d', (current, previous, change, diff, state) => {
    expect(previousValue(current, previous)).toEqual({ value: previous, change, diff, state });
  });
});

describe('shapeChartResponse', () => {
  it("reproduces the seed's figures", () => {
    const res = shapeChartResponse(seedRows(['United States']), query({ previous: true, breakdowns: [{ name: 'country' }] }), NOW);
    expect(res.series).toHaveLength(1);
    const s = res.series[0];
    expect(s.id).toBe('screen_view-united-states');
    expect(s.names).toEqual(['screen_view', 'United States']);
    expect(s.event).toEqual({ id: 'evt1', name: 'screen_view' });
    expect(s.data).toHaveLength(30);
    expect(s.data[0]).toEqual({
      date: '2024-04-01T00:00:00.000Z',
      count: 45,
      previous: { value: 38, change: 18.42, diff: 18.4, state: 'positive' },
    });
    expect(s.data[1]).toEqual({
      date: '2024-04-02T00:00:00.000Z',
      count: 52,
      previous: { value: 41, change: 26.83, diff: 26.8, state: 'positive' },
    });
    expect(s.metrics).toMatchObject({ sum: 1250, average: 41.67, min: 41, max: 52 });
    expect(s.metrics.previous?.sum).toEqual({ value: 1100, change: 13.64, diff: 13.6, state: 'positive' });
    expect(s.metrics.previous?.average).toMatchObject({ value: 36.67, change: 13.64 });
    expect(res.metrics).toMatchObject({ sum: 1250, average: 41.67, min: 41, max: 52 });
    expect(res.metrics.previous?.sum.change).toBe(13.64);
  });

  it('zero-fills every bucket and leaves previous out unless asked', () => {
    const rows: ChartRow[] = [{ series: 0, period: 'current', bucket: day('2024-04-10'), breakdown: [], value: 7 }];
    const res = shapeChartResponse(rows, query(), NOW);
    const data = res.series[0].data;
    expect(data).toHaveLength(30);
    expect(data.filter((p) => p.count !== 0)).toEqual([{ date: '2024-04-10T00:00:00.000Z', count: 7 }]);
    expect(data.every((p) => p.previous === undefined)).toBe(true);
    expect(res.series[0].metrics).toEqual({ sum: 7, average: 0.23, min: 0, max: 7 });
  });

  it('dates buckets in the project zone', () => {
    const q = query({ timezone: 'Europe/Berlin', range: { startDate: '2024-03-30', endDate: '2024-04-01' } });
    const dates = shapeChartResponse([], q, NOW).series[0].data.map((p) => p.date);
    expect(dates).toEqual(['2024-03-30T00:00:00.000+01:00', '2024-03-31T00:00:00.000+01:00', '2024-04-01T00:00:00.000+02:00']);
  });

  it('orders breakdown groups by size, labels empty values with "", and keeps ids unique', () => {
    const b = day('2024-04-01');
    const rows: ChartRow[] = [
      { series: 0, period: 'current', bucket: b, breakdown: ['US'], value: 1 },
      { series: 0, period: 'current', bucket: b, breakdown: ['us'], value: 5 },
      { series: 0, period: 'current', bucket: b, breakdown: [''], value: 3 },
      { series: 1, period: 'current', bucket: b, breakdown: ['US'], value: 2 },
    ];
    const events = [
      { name: 'screen_view', segment: 'event' as const, filters: [] },
      { name: 'screen_view', segment: 'user' as const, filters: [] },
    ];
    const res = shapeChartResponse(rows, query({ events, breakdowns: [{ name: 'country' }] }), NOW);
    expect(res.series.map((s) => [s.id, s.names, s.event.id, s.metrics.sum])).toEqual([
      ['screen_view-us', ['screen_view', 'us'], '0', 5],
      ['screen_view', ['screen_view', ''], '0', 3],
      ['screen_view-us-2', ['screen_view', 'US'], '0', 1],
      ['screen_view-us-3', ['screen_view', 'US'], '1', 2],
    ]);
    expect(res.metrics).toMatchObject({ sum: 11, min: 0, max: 5 });
  });

  it('keeps a series without breakdowns even with no rows, and drops nothing-groups with breakdowns', () => {
    expect(shapeChartResponse([], query(), NOW).series).toHaveLength(1);
    expect(shapeChartResponse([], query({ breakdowns: [{ name: 'country' }] }), NOW)).toEqual({
      series: [],
      metrics: { sum: 0, average: 0, min: 0, max: 0 },
    });
  });

  it('never drops a row whose bucket is not in the list: it counts in the bucket that holds it', () => {
    const rows: ChartRow[] = [
      { series: 0, period: 'current', bucket: day('2024-04-02'), breakdown: [], value: 2 },
      { series: 0, period: 'current', bucket: day('2024-04-02') + 1800, breakdown: [], value: 3 },
      { series: 0, period: 'current', bucket: day('2024-03-31'), breakdown: [], value: 1 },
    ];
    const res = shapeChartResponse(rows, query(), NOW);
    expect(res.series[0].data.slice(0, 2).map((p) => p.count)).toEqual([1, 5]);
    expect(res.metrics.sum).toBe(6);
    const max = shapeChartResponse(
      rows,
      query({ events: [{ name: 'x', segment: 'property_max', property: 'properties.n', filters: [] }] }),
      NOW,
    );
    expect(max.series[0].data[1].count).toBe(3);
  });

  it('accepts numbers that arrive as strings and trims float noise', () => {
    const rows = [
      { series: '0', period: 'current', bucket: String(day('2024-04-01')), breakdown: [], value: '0.30000000000000004' },
    ] as unknown as ChartRow[];
    expect(shapeChartResponse(rows, query(), NOW).series[0].data[0].count).toBe(0.3);
  });
});
