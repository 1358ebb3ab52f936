import { DataSource } from 'typeorm';
import { EventMetaEntity } from '@app/database';
import { type FixtureEvent, localDay, localHour, localMonday, numeric } from '../libs/analytics/test/fixture';
import { referenceFigures } from '../libs/analytics/test/reference';
import { AGENTS, buildFixture, GEO, loadFixture, PROFILES, profileOf, type StoredEvent } from './setup/export-fixture';
import { createProject, type CreatedProject } from './setup/fixtures';
import { authHeaders, drainEvents, useTestApp } from './setup/test-app';

/**
 * The Export API against a fixture sent through the real pipeline (POST /track): every
 * segment, operator, interval, range and breakdown is compared with figures computed here in
 * plain JS over the fixture. A second project holds a similar fixture: any leak across
 * projects would change the figures.
 */
const TZ = 'Europe/Berlin';
const MIN = 60_000;

type Segment =
  | 'event'
  | 'user'
  | 'session'
  | 'user_average'
  | 'one_event_per_user'
  | 'property_sum'
  | 'property_average'
  | 'property_min'
  | 'property_max';
type Interval = 'minute' | 'hour' | 'day' | 'week' | 'month';
type Filter = { name: string; operator: string; value: string[] };

interface Point {
  date: string;
  count: number;
  previous?: { value: number; change: number; diff: number; state: string };
}
interface Series {
  id: string;
  names: string[];
  event: { id: string; name: string };
  metrics: { sum: number; average: number; min: number; max: number; previous?: Record<string, { value: number; change: number }> };
  data: Point[];
}
interface Chart {
  series: Series[];
  metrics: Series['metrics'];
}

/** The text a field holds for an event, as the chart engine sees it ('' when absent). */
function field(e: StoredEvent, name: string): string {
  if (name.startsWith('properties.')) return e.properties[name.slice('properties.'.length)] ?? '';
  if (name === 'profile.email') return profileOf(e)?.email ?? '';
  if (name === 'profile.firstName') return profileOf(e)?.firstName ?? '';
  if (name === 'profile.properties.tier') return profileOf(e)?.properties.tier ?? '';
  const columns: Record<string, string> = {
    name: e.name,
    profileId: e.profileId,
    country: e.country,
    city: e.city,
    region: e.region,
    browser: e.browser,
    os: e.os,
    device: e.device,
    path: e.path,
    origin: e.origin,
  };
  if (!(name in columns)) throw new Error(`no reference for ${name}`);
  return columns[name];
}

/** Filter semantics written out in JS, independently of the SQL builder. */
function holds(e: StoredEvent, f: Filter): boolean {
  const text = field(e, f.name);
  const num = numeric(text);
  const cmp = (op: (a: number, b: number) => boolean) => num !== null && f.value.some((v) => op(num, Number(v)));
  switch (f.operator) {
    case 'is':
      return f.value.includes(text);
    case 'isNot':
      return !f.value.includes(text);
    case 'contains':
      return f.value.some((v) => text.includes(v));
    case 'doesNotContain':
      return f.value.every((v) => !text.includes(v));
    case 'startsWith':
      return f.value.some((v) => text.startsWith(v));
    case 'endsWith':
      return f.value.some((v) => text.endsWith(v));
    case 'regex':
      return f.value.some((v) => new RegExp(v).test(text));
    case 'isNull':
      return text === '';
    case 'isNotNull':
      return text !== '';
    case 'gt':
      return cmp((a, b) => a > b);
    case 'lt':
      return cmp((a, b) => a < b);
    case 'gte':
      return cmp((a, b) => a >= b);
    case 'lte':
      return cmp((a, b) => a <= b);
  }
  throw new Error(`unknown operator ${f.operator}`);
}

/** The library's reference shape: actor = profile, else device; sessions only where the pipeline gives one. */
function asReference(e: StoredEvent, i: number): FixtureEvent {
  return {
    id: String(i).padStart(8, '0'),
    name: e.name,
    device_id: e.deviceKey,
    profile_id: e.profileId,
    project_id: 'main',
    session_id: e.sessionKey,
    path: e.path,
    country: e.country,
    country_code: '', // not compared here: this file's filters name countries by name
    browser: e.browser,
    revenue: 0,
    duration: 0,
    properties: e.properties,
    created_at: e.createdAt,
  };
}

const LABEL: Record<Interval, (at: Date) => string> = {
  // Berlin's offset is whole hours, so a UTC minute is a local minute.
  minute: (at) => at.toISOString().slice(0, 16),
  hour: (at) => localHour(at, TZ),
  day: (at) => localDay(at, TZ),
  week: (at) => localMonday(at, TZ),
  month: (at) => localDay(at, TZ).slice(0, 7),
};

/** Calendar arithmetic on `YYYY-MM-DD` strings. */
function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
function addMonths(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + n, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return `${first.toISOString().slice(0, 8)}${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Which events a range holds, now and in its previous period, written from the spec's wording. */
function rangeMembers(range: string, now: Date): { current: (at: Date) => boolean; previous: (at: Date) => boolean } {
  const minuteEnd = Math.floor(now.getTime() / MIN) * MIN + MIN;
  const rolling = (minutes: number) => ({
    current: (at: Date) => at.getTime() >= minuteEnd - minutes * MIN && at.getTime() < minuteEnd,
    previous: (at: Date) => at.getTime() >= minuteEnd - 2 * minutes * MIN && at.getTime() < minuteEnd - minutes * MIN,
  });
  const today = localDay(now, TZ);
  /** Inclusive local days [from, to], and the same number of days just before. */
  const days = (from: string, to: string) => {
    const length = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
    const within = (a: string, b: string) => (at: Date) => localDay(at, TZ) >= a && localDay(at, TZ) <= b;
    return { current: within(from, to), previous: within(addDays(from, -length), addDays(from, -1)) };
  };
  const month = today.slice(0, 8);
  switch (range) {
    case '30min':
      return rolling(30);
    case 'lastHour':
      return rolling(60);
    case 'last24h':
      return rolling(24 * 60);
    case 'today':
      return days(today, today);
    case 'yesterday':
      return days(addDays(today, -1), addDays(today, -1));
    case '7d':
      return days(addDays(today, -6), today);
    case '30d':
      return days(addDays(today, -29), today);
    case '3m':
      return days(addMonths(addDays(today, 1), -3), today);
    case '6m':
      return days(addMonths(addDays(today, 1), -6), today);
    case '12m':
      return days(addMonths(addDays(today, 1), -12), today);
    case 'monthToDate':
      return days(`${month}01`, today);
    case 'lastMonth': {
      const first = addMonths(`${month}01`, -1);
      const before = addMonths(first, -1);
      const within = (a: string, b: string) => (at: Date) => localDay(at, TZ) >= a && localDay(at, TZ) < b;
      return { current: within(first, `${month}01`), previous: within(before, first) };
    }
    case 'yearToDate':
      return days(`${today.slice(0, 4)}-01-01`, today);
    case 'lastYear': {
      const year = Number(today.slice(0, 4));
      const within = (y: number) => (at: Date) => localDay(at, TZ).startsWith(`${y}-`);
      return { current: within(year - 1), previous: within(year - 2) };
    }
  }
  throw new Error(`unknown range ${range}`);
}

/** A custom range: bare dates are whole local days, date-times instants (end inclusive). */
function customMembers(startDate: string, endDate: string): { current: (at: Date) => boolean; previous: (at: Date) => boolean } {
  if (startDate.includes('T')) {
    const [a, b] = [Date.parse(startDate), Date.parse(endDate) + 1];
    return { current: (at) => at.getTime() >= a && at.getTime() < b, previous: (at) => at.getTime() >= 2 * a - b && at.getTime() < a };
  }
  const length = Math.round((Date.parse(endDate) - Date.parse(startDate)) / 86_400_000) + 1;
  const within = (a: string, b: string) => (at: Date) => localDay(at, TZ) >= a && localDay(at, TZ) <= b;
  return { current: within(startDate, endDate), previous: within(addDays(startDate, -length), addDays(startDate, -1)) };
}

describe('Export API on a fixture sent through the pipeline', () => {
  const t = useTestApp({ EXPORT_RATE_LIMIT: '100000' });
  let main: CreatedProject;
  let other: CreatedProject;
  let events: StoredEvent[];
  /** Seed arithmetic: property sums of 45/52/1153 in June 2024 against 38/41/1021 in May. */
  const SEED = [
    ['2024-06-01T12:00:00.000Z', 45],
    ['2024-06-02T12:00:00.000Z', 52],
    ['2024-06-15T12:00:00.000Z', 1153],
    ['2024-05-02T12:00:00.000Z', 38],
    ['2024-05-03T12:00:00.000Z', 41],
    ['2024-05-20T12:00:00.000Z', 1021],
  ] as const;

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: authHeaders(t.root) });
  const q = (params: Record<string, unknown>) =>
    new URLSearchParams(
      Object.entries(params)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    ).toString();

  async function chart(params: Record<string, unknown>): Promise<Chart> {
    const res = await get(`/export/charts?${q({ projectId: main.id, ...params })}`);
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
    return res.json();
  }

  beforeAll(async () => {
    main = await createProject(t, { name: 'Main', timezone: TZ });
    other = await createProject(t, { name: 'Other', timezone: TZ });
    const now = new Date();
    events = buildFixture(now);
    await loadFixture(t, main, events);
    await loadFixture(t, other, buildFixture(now, 80, 99));
    for (const [at, total] of SEED) {
      const payload = { name: 'seed_order', properties: { total, __timestamp: at } };
      for (const p of [main, other]) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/track',
          headers: authHeaders(p.writeClient),
          payload: { type: 'track', payload },
        });
        expect(res.statusCode).toBe(200);
      }
    }
    await drainEvents(t);
  }, 600_000);

  interface Expect {
    events: object[];
    breakdowns?: { name: string }[];
    interval: Interval;
    range?: string;
    startDate?: string;
    endDate?: string;
    previous?: boolean;
    /** The events of the series (name and filters applied). */
    pool: (e: StoredEvent) => boolean;
    segment?: Segment;
    property?: string;
    breakdown?: (e: StoredEvent) => string[];
  }

  /**
   * Requests a chart and checks every bucket of every series (and of the previous period when
   * asked) against the reference. Retries once when the clock crossed a minute between the
   * figures and the answer.
   */
  async function expectChart(x: Expect): Promise<Chart> {
    for (let attempt = 0; ; attempt++) {
      const before = new Date();
      const res = await chart({
        events: x.events,
        breakdowns: x.breakdowns ?? [],
        interval: x.interval,
        range: x.range,
        startDate: x.startDate,
        endDate: x.endDate,
        previous: x.previous,
      });
      const after = new Date();
      if (Math.floor(before.getTime() / MIN) !== Math.floor(after.getTime() / MIN) && attempt === 0) continue;
      const members = x.range ? rangeMembers(x.range, before) : customMembers(x.startDate!, x.endDate!);
      checkFigures(res, x, members);
      return res;
    }
  }

  function figures(x: Expect, inPeriod: (at: Date) => boolean) {
    const pool = events.map((e, i) => [e, i] as const).filter(([e]) => x.pool(e) && inPeriod(e.createdAt));
    const byRef = new Map(pool.map(([e, i]) => [asReference(e, i), e]));
    return referenceFigures({
      events: [...byRef.keys()],
      segment: x.segment ?? 'event',
      property: x.property ? (r) => field(byRef.get(r)!, x.property!) : undefined,
      start: new Date(0),
      end: new Date(8.64e15),
      label: LABEL[x.interval],
      breakdown: x.breakdown ? (r) => x.breakdown!(byRef.get(r)!) : undefined,
    });
  }

  function checkFigures(res: Chart, x: Expect, members: { current: (at: Date) => boolean; previous: (at: Date) => boolean }): void {
    const current = figures(x, members.current);
    const previous = figures(x, members.previous);
    const groups = [...current.keys()];
    expect(res.series.map((s) => JSON.stringify(s.names.slice(1))).sort()).toEqual(x.breakdown ? groups.sort() : ['[]']);
    for (const s of res.series) {
      const group = JSON.stringify(s.names.slice(1));
      const want = current.get(group) ?? new Map<string, number>();
      const got = new Map(s.data.map((p) => [LABEL[x.interval](new Date(p.date)), p.count]));
      // Every figure of the reference is in a bucket of the answer, and every bucket is right.
      for (const label of want.keys()) expect({ group, label, present: got.has(label) }).toEqual({ group, label, present: true });
      for (const p of s.data) {
        const label = LABEL[x.interval](new Date(p.date));
        expect({ group, label, count: p.count }).toEqual({ group, label, count: expect.closeTo(want.get(label) ?? 0, 6) });
      }
      if (x.previous) {
        const prevTotal = [...(previous.get(group)?.values() ?? [])].reduce((a, b) => a + b, 0);
        const gotPrev = s.data.reduce((a, p) => a + (p.previous?.value ?? 0), 0);
        if (x.segment === undefined || x.segment === 'event')
          expect({ group, previous: gotPrev }).toEqual({ group, previous: expect.closeTo(prevTotal, 6) });
        expect(s.metrics.previous?.sum.value).toBeCloseTo(prevTotal, 6);
      }
    }
  }

  it('stores what the pipeline was sent: geo from x-client-ip, device from user-agent, path from __path', async () => {
    const res = await get(`/export/events?${q({ projectId: main.id, limit: '1000', event: 'screen_view,click,purchase,signup' })}`);
    expect(res.statusCode).toBe(200);
    const key = (e: {
      name: string;
      createdAt: string;
      country: string;
      city: string;
      region: string;
      browser: string;
      os: string;
      device: string;
      path: string;
      origin: string;
    }) => [e.createdAt, e.name, e.country, e.city, e.region, e.browser, e.os, e.device, e.path, e.origin].join('|');
    const listed = (res.json().data as Parameters<typeof key>[0][]).map(key).sort();
    const sent = events.map((e) => key({ ...e, createdAt: e.createdAt.toISOString() })).sort();
    expect(listed).toEqual(sent);
    expect(Object.keys(GEO).length + Object.keys(AGENTS).length).toBeGreaterThan(8);
  });

  describe('segments', () => {
    const SEGMENTS: Segment[] = [
      'event',
      'user',
      'session',
      'user_average',
      'one_event_per_user',
      'property_sum',
      'property_average',
      'property_min',
      'property_max',
    ];
    it.each(SEGMENTS)('%s over March-April 2024, daily, across the DST change', async (segment) => {
      const property = segment.startsWith('property_') ? 'properties.total' : undefined;
      const res = await expectChart({
        events: [{ name: 'screen_view', segment, property }],
        interval: 'day',
        startDate: '2024-03-01',
        endDate: '2024-04-30',
        pool: (e) => e.name === 'screen_view',
        segment,
        property,
      });
      expect(res.series[0].data).toHaveLength(61);
      expect(res.series[0].data[30].date).toBe('2024-03-31T00:00:00.000+01:00');
      expect(res.series[0].data[31].date).toBe('2024-04-01T00:00:00.000+02:00');
    });

    it.each(['session', 'user', 'one_event_per_user'] as Segment[])(
      '%s over the last 30 minutes, by minute (the events that have sessions)',
      async (segment) => {
        const res = await expectChart({ events: [{ name: '*', segment }], interval: 'minute', range: '30min', pool: () => true, segment });
        expect(res.series[0].data).toHaveLength(30);
        // Only these recent events have sessions: the figures above are not all zeros.
        expect(res.metrics.sum).toBeGreaterThan(0);
      },
    );
  });

  describe('filter operators', () => {
    const FILTERS: Filter[] = [
      { name: 'country', operator: 'is', value: ['Germany', 'France'] },
      { name: 'country', operator: 'isNot', value: ['Germany', 'United States'] },
      { name: 'path', operator: 'contains', value: ['docs'] },
      { name: 'properties.plan', operator: 'doesNotContain', value: ['pr', 'x'] },
      { name: 'path', operator: 'startsWith', value: ['/docs', '/pri'] },
      { name: 'city', operator: 'endsWith', value: ['on'] },
      { name: 'path', operator: 'regex', value: ['^/(docs|pricing)(/|$)'] },
      { name: 'properties.total', operator: 'isNull', value: [] },
      { name: 'properties.__query.utm_source', operator: 'isNotNull', value: [] },
      { name: 'properties.total', operator: 'gt', value: ['5'] },
      { name: 'properties.total', operator: 'lt', value: ['7'] },
      { name: 'properties.total', operator: 'gte', value: ['7'] },
      { name: 'properties.total', operator: 'lte', value: ['-4', '3'] },
      { name: 'profile.email', operator: 'endsWith', value: ['@example.com'] },
      { name: 'profile.properties.tier', operator: 'is', value: ['gold'] },
      { name: 'profileId', operator: 'isNull', value: [] },
      { name: 'browser', operator: 'is', value: ['Mobile Safari'] },
      { name: 'origin', operator: 'is', value: ['https://docs.example.com'] },
    ];
    it.each(FILTERS.map((f) => [`${f.name} ${f.operator} ${JSON.stringify(f.value)}`, f] as const))('%s', async (_title, f) => {
      const selected = events.filter((e) => e.name !== 'signup' && holds(e, f)).length;
      expect(selected).toBeGreaterThan(0);
      await expectChart({
        events: [{ name: '*', filters: [f, { name: 'name', operator: 'isNot', value: ['signup'] }] }],
        interval: 'week',
        startDate: '2024-03-01',
        endDate: '2024-04-30',
        pool: (e) => e.name !== 'signup' && holds(e, f),
      });
    });

    it('ANDs filters; createdAt takes instants', async () => {
      const filters: Filter[] = [
        { name: 'properties.plan', operator: 'is', value: ['pro'] },
        { name: 'device', operator: 'is', value: ['desktop'] },
        { name: 'createdAt', operator: 'gte', value: ['2024-04-01T00:00:00+02:00'] },
      ];
      await expectChart({
        events: [{ name: '*', filters }],
        interval: 'day',
        startDate: '2024-03-01',
        endDate: '2024-04-30',
        pool: (e) => holds(e, filters[0]) && holds(e, filters[1]) && e.createdAt.getTime() >= Date.parse('2024-03-31T22:00:00Z'),
      });
    });
  });

  describe('breakdowns', () => {
    const BREAKDOWNS = [
      'country',
      'region',
      'city',
      'device',
      'browser',
      'os',
      'path',
      'origin',
      'properties.plan',
      'properties.__query.utm_source',
      'profile.properties.tier',
      'profileId',
    ];
    it.each(BREAKDOWNS)('by %s (events and users, monthly)', async (name) => {
      for (const segment of ['event', 'user'] as Segment[]) {
        await expectChart({
          events: [{ name: '*', segment }],
          breakdowns: [{ name }],
          interval: 'month',
          startDate: '2024-03-01',
          endDate: '2024-04-30',
          pool: () => true,
          segment,
          breakdown: (e) => [field(e, name)],
        });
      }
    });

    it('by two fields at once, with a property sum', async () => {
      const res = await expectChart({
        events: [{ name: 'purchase', segment: 'property_sum', property: 'properties.total' }],
        breakdowns: [{ name: 'country' }, { name: 'browser' }],
        interval: 'week',
        startDate: '2024-03-01',
        endDate: '2024-04-30',
        pool: (e) => e.name === 'purchase',
        segment: 'property_sum',
        property: 'properties.total',
        breakdown: (e) => [e.country, e.browser],
      });
      expect(new Set(res.series.map((s) => s.id)).size).toBe(res.series.length);
    });
  });

  describe('intervals and ranges', () => {
    const RANGES: [string, Interval][] = [
      ['30min', 'minute'],
      ['lastHour', 'minute'],
      ['last24h', 'hour'],
      ['today', 'hour'],
      ['yesterday', 'hour'],
      ['7d', 'day'],
      ['30d', 'day'],
      ['3m', 'week'],
      ['6m', 'month'],
      ['12m', 'month'],
      ['monthToDate', 'day'],
      ['lastMonth', 'day'],
      ['yearToDate', 'month'],
      ['lastYear', 'month'],
    ];
    it.each(RANGES)('%s by %s, with the previous period', async (range, interval) => {
      // The seed's orders (May/June 2024) are checked on their own below.
      const notSeed = { name: 'name', operator: 'isNot', value: ['seed_order'] };
      await expectChart({ events: [{ name: '*', filters: [notSeed] }], interval, range, previous: true, pool: () => true });
    });

    it.each<[Interval, string, string, number]>([
      ['minute', '2024-03-31T00:00:00Z', '2024-03-31T05:59:59.999Z', 360],
      ['hour', '2024-03-30', '2024-03-31', 47],
      ['day', '2024-03-01', '2024-04-30', 61],
      ['week', '2024-03-01', '2024-04-30', 10],
      ['month', '2024-03-01', '2024-04-30', 2],
    ])('a custom range by %s (%s to %s: %d buckets, Berlin time)', async (interval, startDate, endDate, buckets) => {
      const res = await expectChart({ events: [{ name: '*' }], interval, startDate, endDate, pool: () => true });
      expect(res.series[0].data).toHaveLength(buckets);
    });
  });

  it("reproduces the seed's previous-period arithmetic (1250 vs 1100 → 13.64; 45 vs 38 → 18.42)", async () => {
    const res = await chart({
      events: [{ name: 'seed_order', segment: 'property_sum', property: 'properties.total' }],
      interval: 'day',
      startDate: '2024-06-01',
      endDate: '2024-06-30',
      previous: true,
    });
    const [s] = res.series;
    expect(s.data).toHaveLength(30);
    expect(s.metrics).toMatchObject({ sum: 1250, average: 41.67, max: 1153 });
    expect(s.metrics.previous).toMatchObject({ sum: { value: 1100, change: 13.64 }, average: { value: 36.67, change: 13.64 } });
    expect(s.data[0]).toEqual({
      date: '2024-06-01T00:00:00.000+02:00',
      count: 45,
      previous: { value: 38, change: 18.42, diff: 18.4, state: 'positive' },
    });
    expect(s.data[1].previous).toEqual({ value: 41, change: 26.83, diff: 26.8, state: 'positive' });
    expect(res.metrics.previous).toMatchObject({ sum: { value: 1100, change: 13.64 } });
  });

  describe('event listing', () => {
    const listed = () => events.length + SEED.length;

    it('pages by number and by cursor give every event exactly once, newest first, totals independent of limit', async () => {
      const byPage: { id: string; createdAt: string }[] = [];
      for (let page = 1; ; page++) {
        const res = (await get(`/export/events?${q({ projectId: main.id, limit: '7', page: String(page) })}`)).json();
        expect(res.meta).toMatchObject({ totalCount: listed(), pages: Math.ceil(listed() / 7), current: page });
        byPage.push(...res.data);
        if (!res.meta.cursor) break;
      }
      const byCursor: { id: string; createdAt: string }[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { meta: { cursor: string | null; current: number; totalCount: number }; data: { id: string; createdAt: string }[] } = (
          await get(`/export/events?${q({ projectId: main.id, limit: '13', ...(cursor ? { cursor } : {}) })}`)
        ).json();
        pages++;
        expect(res.meta).toMatchObject({ current: pages, totalCount: listed() });
        byCursor.push(...res.data);
        cursor = res.meta.cursor;
      } while (cursor);
      expect(pages).toBe(Math.ceil(listed() / 13));
      expect(byPage).toHaveLength(listed());
      expect(new Set(byPage.map((e) => e.id)).size).toBe(listed());
      expect(byCursor.map((e) => e.id)).toEqual(byPage.map((e) => e.id));
      const order = [...byPage].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
      expect(byPage.map((e) => e.id)).toEqual(order.map((e) => e.id));
      for (const limit of ['1', '50', '1000']) {
        expect((await get(`/export/events?${q({ projectId: main.id, limit })}`)).json().meta.totalCount).toBe(listed());
      }
    });

    it('filters by event (single, repeated, comma, JSON), dates, range, profile and filters; totals follow the page predicate', async () => {
      const count = async (params: Record<string, string>) =>
        (await get(`/export/events?projectId=${main.id}&${new URLSearchParams(params)}`)).json().meta.totalCount;
      const named = (...names: string[]) => events.filter((e) => names.includes(e.name)).length;
      expect(await count({ event: 'click' })).toBe(named('click'));
      expect(await get(`/export/events?projectId=${main.id}&event=click&event=signup`).then((r) => r.json().meta.totalCount)).toBe(
        named('click', 'signup'),
      );
      expect(await count({ event: 'click,signup' })).toBe(named('click', 'signup'));
      expect(await count({ event: '["click","purchase"]' })).toBe(named('click', 'purchase'));
      const inDays = (a: string, b: string) =>
        events.filter((e) => localDay(e.createdAt, TZ) >= a && localDay(e.createdAt, TZ) <= b).length;
      expect(await count({ start: '2024-03-31', end: '2024-04-01' })).toBe(inDays('2024-03-31', '2024-04-01'));
      expect(await count({ startDate: '2024-04-02', endDate: '2024-04-02' })).toBe(inDays('2024-04-02', '2024-04-02'));
      const { current } = rangeMembers('7d', new Date());
      expect(await count({ range: '7d' })).toBe(events.filter((e) => current(e.createdAt)).length);
      expect(await count({ profileId: 'user3' })).toBe(events.filter((e) => e.profileId === 'user3').length);
      const filters: Filter[] = [{ name: 'country', operator: 'is', value: ['Japan'] }];
      expect(await count({ filters: JSON.stringify(filters) })).toBe(events.filter((e) => holds(e, filters[0])).length);
    });

    it('includes profiles (from PostgreSQL) and event meta, and properties by default', async () => {
      await t.app
        .get(DataSource)
        .getRepository(EventMetaEntity)
        .save({ projectId: main.id, name: 'purchase', description: 'Checkout completed', conversion: true });
      const res = (
        await get(`/export/events?${q({ projectId: main.id, event: 'purchase,click', includes: 'profile,meta', limit: '1000' })}`)
      ).json();
      const data = res.data as { name: string; profileId: string; properties: Record<string, string>; profile: unknown; meta: unknown }[];
      expect(data.length).toBe(events.filter((e) => ['purchase', 'click'].includes(e.name)).length);
      for (const e of data) {
        const p = PROFILES.find((x) => x.id === e.profileId);
        expect(e.profile).toEqual(
          p
            ? expect.objectContaining({
                id: p.id,
                email: p.email,
                firstName: p.firstName,
                lastName: p.lastName,
                properties: p.properties,
                isExternal: true,
              })
            : null,
        );
        expect(e.meta).toEqual(e.name === 'purchase' ? { name: 'purchase', description: 'Checkout completed', conversion: true } : null);
        expect(e.properties).toBeDefined();
      }
      const withPlan = data.find((e) => e.properties.plan);
      expect(withPlan).toBeDefined();
      const plain = (await get(`/export/events?projectId=${main.id}&limit=5`)).json().data[0];
      expect(plain).not.toHaveProperty('profile');
      expect(plain).not.toHaveProperty('meta');
    });

    it("profileId covers the profile's aliases", async () => {
      const p = await createProject(t, { name: 'Aliases' });
      const send = (payload: object) => t.app.inject({ method: 'POST', url: '/track', headers: authHeaders(p.writeClient), payload });
      for (let i = 0; i < 3; i++)
        expect((await send({ type: 'track', payload: { name: 'before', profileId: 'anon-7' } })).statusCode).toBe(200);
      expect((await send({ type: 'alias', payload: { profileId: 'user-42', alias: 'anon-7' } })).statusCode).toBe(200);
      for (let i = 0; i < 2; i++)
        expect((await send({ type: 'track', payload: { name: 'after', profileId: 'anon-7' } })).statusCode).toBe(200);
      expect((await send({ type: 'track', payload: { name: 'own', profileId: 'user-42' } })).statusCode).toBe(200);
      expect((await send({ type: 'track', payload: { name: 'someone else', profileId: 'user-43' } })).statusCode).toBe(200);
      await drainEvents(t);
      const res = (await get(`/export/events?projectId=${p.id}&profileId=user-42`)).json();
      expect(res.data.map((e: { name: string }) => e.name).sort()).toEqual(['after', 'after', 'before', 'before', 'before', 'own']);
      expect(res.meta.totalCount).toBe(6);
    });

    it('the profile include of an event sent under an alias is the profile it stands for', async () => {
      const p = await createProject(t, { name: 'Alias include' });
      const send = (payload: object) => t.app.inject({ method: 'POST', url: '/track', headers: authHeaders(p.writeClient), payload });
      expect((await send({ type: 'identify', payload: { profileId: 'user-9', email: 'nine@example.com' } })).statusCode).toBe(200);
      expect((await send({ type: 'track', payload: { name: 'early', profileId: 'anon-9' } })).statusCode).toBe(200);
      expect((await send({ type: 'alias', payload: { profileId: 'user-9', alias: 'anon-9' } })).statusCode).toBe(200);
      await drainEvents(t);
      const [event] = (await get(`/export/events?projectId=${p.id}&event=early&includes=profile`)).json().data;
      expect(event.profileId).toBe('anon-9');
      expect(event.profile).toEqual(expect.objectContaining({ id: 'user-9', email: 'nine@example.com' }));
    });
  });
});
