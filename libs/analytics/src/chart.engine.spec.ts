import type { ClickhouseService } from '@app/clickhouse';
import { openEngineWith, runSql } from '../test/engine';
import { type FixtureEvent, localDay, localHour, localMonday, makeEvents, makeProfiles, OTHER_PROJECT, PROJECT } from '../test/fixture';
import { referenceFigures } from '../test/reference';
import { buildChartSql, type ChartRow } from './chart-sql';
import { type ChartResponse, shapeChartResponse } from './chart-response';
import { resolveRange } from './range';
import { type ChartQuery, type Filter, type Interval, type RangeInput, SEGMENTS, type Segment } from './types';

const TZ = 'Europe/Berlin';
const NOW = new Date('2024-04-03T10:00:00.000Z');
const events = makeEvents(new Date('2024-03-10T00:00:00Z'), NOW, 900);
const profiles = makeProfiles();
const profileOf = (e: FixtureEvent) =>
  profiles.filter((p) => p.id === e.profile_id && p.project_id === PROJECT).sort((a, b) => b.version - a.version)[0];

let ch: ClickhouseService;

beforeAll(async () => {
  ch = await openEngineWith(events, profiles);
});

afterAll(async () => {
  await ch?.close();
});

function query(overrides: Partial<ChartQuery>): ChartQuery {
  return {
    projectId: PROJECT,
    timezone: TZ,
    events: [{ name: 'screen_view', segment: 'event', filters: [] }],
    breakdowns: [],
    interval: 'day',
    range: '7d',
    previous: false,
    ...overrides,
  };
}

async function chart(q: ChartQuery): Promise<ChartResponse> {
  const rows: ChartRow[] = [];
  for (const stmt of buildChartSql(q, { database: ch.database, now: NOW })) rows.push(...(await runSql<ChartRow>(ch, stmt)));
  return shapeChartResponse(rows, q, NOW);
}

const LABELS: Record<Interval, { ref: (at: Date) => string; of: (date: string) => string }> = {
  minute: { ref: (at) => at.toISOString().slice(0, 16), of: (d) => new Date(d).toISOString().slice(0, 16) },
  hour: { ref: (at) => localHour(at, TZ), of: (d) => d.slice(0, 13) },
  day: { ref: (at) => localDay(at, TZ), of: (d) => d.slice(0, 10) },
  week: { ref: (at) => localMonday(at, TZ), of: (d) => d.slice(0, 10) },
  month: { ref: (at) => `${localDay(at, TZ).slice(0, 7)}-01`, of: (d) => d.slice(0, 10) },
};

interface Expectation {
  name?: string;
  match?: (e: FixtureEvent) => boolean;
  segment?: Segment;
  property?: (e: FixtureEvent) => string | undefined;
  interval?: Interval;
  range?: RangeInput;
  breakdown?: (e: FixtureEvent) => string[];
}

/** Checks every bucket of every series of `res` against plain-JS figures over the fixture. */
function expectFigures(res: ChartResponse, x: Expectation): void {
  const interval = x.interval ?? 'day';
  const { start, end, previous } = resolveRange(x.range ?? '7d', TZ, NOW);
  const pool = events.filter(
    (e) => e.project_id === PROJECT && (x.name === undefined || x.name === '*' || e.name === x.name) && (x.match ?? (() => true))(e),
  );
  const spec = { events: pool, segment: x.segment ?? 'event', property: x.property, label: LABELS[interval].ref, breakdown: x.breakdown };
  const current = referenceFigures({ ...spec, start, end });
  const before = referenceFigures({ ...spec, ...previous });
  const groups = [...current.keys()].filter((g) => [...current.get(g)!.values()].length > 0);
  if (x.breakdown) expect(res.series.map((s) => JSON.stringify(s.names.slice(1))).sort()).toEqual(groups.sort());
  for (const s of res.series) {
    const group = JSON.stringify(s.names.slice(1));
    const cur = current.get(group) ?? new Map<string, number>();
    const labels = s.data.map((p) => LABELS[interval].of(p.date));
    expect(new Set(labels).size).toBe(labels.length);
    for (const [label] of cur) expect(labels).toContain(label);
    for (const p of s.data) expect(p.count).toBeCloseTo(cur.get(LABELS[interval].of(p.date)) ?? 0, 6);
    if (s.data[0]?.previous) {
      const prevSum = [...(before.get(group) ?? new Map()).values()].reduce((a: number, b: number) => a + b, 0);
      expect(s.metrics.previous?.sum.value).toBeCloseTo(prevSum, 6);
    }
  }
}

const total = (e: FixtureEvent) => e.properties.total;

describe('chart SQL on the embedded engine', () => {
  it.each(SEGMENTS)('segment %s matches the fixture, with the previous period', async (segment) => {
    const property = segment.startsWith('property_') ? 'properties.total' : undefined;
    const res = await chart(query({ events: [{ name: 'screen_view', segment, property, filters: [] }], previous: true }));
    expect(res.series).toHaveLength(1);
    expect(res.series[0].data).toHaveLength(7);
    expectFigures(res, { name: 'screen_view', segment, property: total });
  });

  it('counts all events with *, and never another project', async () => {
    const res = await chart(query({ events: [{ name: '*', segment: 'event', filters: [] }] }));
    expectFigures(res, { name: '*' });
    const other = events.filter((e) => e.project_id === OTHER_PROJECT).length;
    expect(other).toBeGreaterThan(0);
    const everything = events.filter((e) => e.created_at >= resolveRange('7d', TZ, NOW).start && e.created_at < NOW).length;
    expect(res.series[0].metrics.sum).toBeLessThan(everything);
  });

  const cases: [string, Filter, (e: FixtureEvent) => boolean][] = [
    ['is (any of)', { name: 'country', operator: 'is', value: ['Germany', 'France'] }, (e) => ['Germany', 'France'].includes(e.country)],
    ['isNot (none of)', { name: 'country', operator: 'isNot', value: ['Germany', ''] }, (e) => !['Germany', ''].includes(e.country)],
    [
      'country by ISO code or name (OpenPanel stores codes there)',
      { name: 'country', operator: 'is', value: ['DE', 'fr', 'United States'] },
      (e) => ['Germany', 'France', 'United States'].includes(e.country),
    ],
    ['country isNot by code', { name: 'country', operator: 'isNot', value: ['DE'] }, (e) => e.country !== 'Germany'],
    ['contains', { name: 'path', operator: 'contains', value: ['docs'] }, (e) => e.path.includes('docs')],
    [
      'doesNotContain',
      { name: 'path', operator: 'doesNotContain', value: ['docs', 'pricing'] },
      (e) => !e.path.includes('docs') && !e.path.includes('pricing'),
    ],
    ['startsWith', { name: 'path', operator: 'startsWith', value: ['/docs/'] }, (e) => e.path.startsWith('/docs/')],
    ['endsWith with a quote', { name: 'path', operator: 'endsWith', value: ["'brien"] }, (e) => e.path.endsWith("'brien")],
    ['regex', { name: 'path', operator: 'regex', value: ['^/docs/(intro|api)$'] }, (e) => /^\/docs\/(intro|api)$/.test(e.path)],
    ['isNull on a column', { name: 'country', operator: 'isNull', value: [] }, (e) => e.country === ''],
    ['isNotNull on a property', { name: 'properties.total', operator: 'isNotNull', value: [] }, (e) => (e.properties.total ?? '') !== ''],
    [
      'gt on a property',
      { name: 'properties.total', operator: 'gt', value: ['5'] },
      (e) => (Number(e.properties.total) || -Infinity) > 5 && e.properties.total !== '',
    ],
    ['lte on a numeric column', { name: 'revenue', operator: 'lte', value: ['2500'] }, (e) => e.revenue <= 2500],
    [
      'utm query property',
      { name: 'properties.__query.utm_source', operator: 'is', value: ['google'] },
      (e) => e.properties['__query.utm_source'] === 'google',
    ],
    [
      'hostile key and value',
      { name: "properties.we'ird {k:String} key", operator: 'is', value: ["v') OR 1=1 --"] },
      (e) => e.properties["we'ird {k:String} key"] === "v') OR 1=1 --",
    ],
    [
      'profile field',
      { name: 'profile.email', operator: 'endsWith', value: ['@example.com'] },
      (e) => (profileOf(e)?.email ?? '').endsWith('@example.com'),
    ],
    [
      'profile property (newest version only)',
      { name: 'profile.properties.tier', operator: 'is', value: ['gold'] },
      (e) => profileOf(e)?.properties.tier === 'gold',
    ],
    ['profile of another project', { name: 'profile.firstName', operator: 'is', value: ['Intruder'] }, () => false],
  ];
  it.each(cases)('filter %s', async (_title, filter, match) => {
    const res = await chart(query({ events: [{ name: '*', segment: 'event', filters: [filter] }] }));
    expectFigures(res, { name: '*', match });
  });

  it('the hostile filter really matched something', async () => {
    const res = await chart(query({ range: '30d', events: [{ name: '*', segment: 'event', filters: [cases[14][1]] }] }));
    expect(res.series[0].metrics.sum).toBeGreaterThan(0);
  });

  it('breaks down by a column and a profile property, empty values under an empty label', async () => {
    const res = await chart(
      query({
        breakdowns: [{ name: 'country' }, { name: 'profile.properties.tier' }],
        events: [{ name: '*', segment: 'user', filters: [] }],
      }),
    );
    expectFigures(res, { name: '*', segment: 'user', breakdown: (e) => [e.country, profileOf(e)?.properties.tier ?? ''] });
    expect(res.series.some((s) => s.names[1] === '')).toBe(true);
    expect(res.series.some((s) => s.names[2] === '')).toBe(true);
  });

  it('keeps only the largest breakdown groups of a high-cardinality field', async () => {
    const res = await chart(query({ range: '30d', breakdowns: [{ name: 'id' }], events: [{ name: '*', segment: 'event', filters: [] }] }));
    const ids = new Set(res.series.map((s) => s.names[1]));
    expect(ids.size).toBe(50);
    // Every id is a group of one event, so the cut falls back to the label order: the 50 smallest.
    const inRange = events.filter((e) => e.project_id === PROJECT && e.created_at >= resolveRange('30d', TZ, NOW).start).map((e) => e.id);
    expect([...ids].sort()).toEqual(inRange.sort().slice(0, 50));
    expect(res.series.every((s) => s.metrics.sum === 1)).toBe(true);
  });

  it.each<[Interval, RangeInput, number]>([
    ['hour', 'today', 24],
    ['hour', 'yesterday', 24],
    ['minute', '30min', 30],
    ['minute', 'lastHour', 60],
    ['hour', 'last24h', 25],
    ['week', '30d', 5],
    ['month', '3m', 4],
    ['day', { startDate: '2024-03-30', endDate: '2024-03-31' }, 2],
    ['hour', { startDate: '2024-03-31', endDate: '2024-03-31' }, 23],
  ])('interval %s over %j has %d buckets and the right figures', async (interval, range, buckets) => {
    const res = await chart(query({ interval, range, events: [{ name: '*', segment: 'event', filters: [] }], previous: true }));
    expect(res.series[0].data).toHaveLength(buckets);
    expectFigures(res, { name: '*', interval, range });
  });

  it('an event nobody sent still yields a zero-filled series', async () => {
    const res = await chart(query({ events: [{ name: 'never_sent', segment: 'user', filters: [] }], previous: true }));
    expect(res.series).toHaveLength(1);
    expect(res.series[0].data.every((p) => p.count === 0 && p.previous?.state === 'neutral')).toBe(true);
  });
});
