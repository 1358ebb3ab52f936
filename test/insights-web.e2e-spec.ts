import { SessionBuilder } from '../src/sessions';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { zonedDay, zonedTime } from './setup/calendar';
import { type Row, storedEvents, USER_AGENTS } from './setup/stores';
import { authHeaders, type Credentials, drainEvents, useTestApp } from './setup/test-app';

const MIN = 60_000;
const TZ = 'Europe/Berlin';
const SHOP = 'https://shop.example.com';
const DOCS = 'https://docs.example.com';

/** `YYYY-MM-DD` of the project's day `offset` days from today, and the instant of `hh:mm` on it. */
const day = (offset: number) => zonedDay(TZ, offset);
const on = (offset: number, hour: number, minute = 0) => zonedTime(TZ, offset, hour, minute);

interface Visit {
  ip: string;
  ua: string;
  events: { at: number; name?: string; url?: string; title?: string; referrer?: string; profileId?: string; revenue?: number }[];
}

/**
 * Four visitors over the three days before today and one today. Sessions (30-minute gaps):
 * S1 (A, day -3): /, /pricing, /signup (+ revenue 1999) as user-42, 6 minutes, from Google.
 * S2 (A, day -1): /pricing as user-42, a bounce.
 * S3, S4 (B, day -2): / from Twitter, then /docs 40 minutes later: two bounces.
 * S5 (C, day -2): /docs, /docs/api and a click, 3 minutes.
 * S6 (D, today): one view, a bounce.
 */
const VISITS: Visit[] = [
  {
    ip: '8.8.8.8',
    ua: USER_AGENTS.chrome,
    events: [
      { at: on(-3, 10), url: `${SHOP}/?utm_source=news`, referrer: 'https://www.google.com/search?q=shoes' },
      { at: on(-3, 10, 1), url: `${SHOP}/pricing`, title: 'Pricing' },
      { at: on(-3, 10, 5), url: `${SHOP}/signup`, profileId: 'user-42' },
      { at: on(-3, 10, 6), name: 'revenue', revenue: 1999, profileId: 'user-42' },
      { at: on(-1, 10), url: `${SHOP}/pricing`, title: 'Pricing plans', profileId: 'user-42' },
    ],
  },
  {
    ip: '81.2.69.142',
    ua: USER_AGENTS.safari,
    events: [
      { at: on(-2, 10), url: `${SHOP}/`, referrer: 'https://twitter.com/someone' },
      { at: on(-2, 10, 40), url: `${DOCS}/docs` },
    ],
  },
  {
    ip: '89.160.20.112',
    ua: USER_AGENTS.iphone,
    events: [
      { at: on(-2, 11), url: `${DOCS}/docs` },
      { at: on(-2, 11, 2), url: `${DOCS}/docs/api` },
      { at: on(-2, 11, 3), name: 'click' },
    ],
  },
  { ip: '2.125.160.216', ua: USER_AGENTS.chrome, events: [{ at: Date.now() - 2 * MIN, url: `${SHOP}/` }] },
];

describe('Insights: web analytics on sessions', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let reader: Credentials;
  let devices: string[];

  const get = (url: string, as: Credentials = reader) => t.app.inject({ method: 'GET', url, headers: authHeaders(as) });
  const ok = async (url: string, as?: Credentials) => {
    const res = await get(url, as);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const q = (params: Record<string, string | number | object>) =>
    new URLSearchParams(
      Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]),
    ).toString();
  /** The three days of S1 to S5, both ends given as dates. */
  const window = { startDate: day(-3), endDate: day(-1) };

  const send = (v: Visit, e: Visit['events'][number]) =>
    t.app.inject({
      method: 'POST',
      url: '/track',
      headers: { ...authHeaders(p.writeClient), 'user-agent': v.ua, 'x-client-ip': v.ip },
      payload: {
        type: 'track',
        payload: {
          name: e.name ?? 'screen_view',
          ...(e.profileId ? { profileId: e.profileId } : {}),
          properties: {
            __timestamp: new Date(e.at).toISOString(),
            ...(e.url ? { __path: e.url } : {}),
            ...(e.referrer ? { __referrer: e.referrer } : {}),
            ...(e.title ? { __title: e.title } : {}),
            ...(e.revenue ? { __revenue: e.revenue } : {}),
          },
        },
      },
    });

  const build = async () => {
    await drainEvents(t);
    await t.app.get(SessionBuilder).runOnce({ lagMs: 0 });
  };

  /** The first stored event of a visitor at `at`: the fields its session takes. */
  let firstEvents: Map<number, Row>;

  beforeAll(async () => {
    p = await createProject(t, { name: 'Insights web', timezone: TZ });
    reader = await createClient(t, { name: 'insights reader', mode: 'read', projectId: p.id });
    devices = [];
    for (const v of VISITS) {
      for (const e of v.events) {
        const res = await send(v, e);
        expect(res.statusCode).toBe(200);
        if (v.events.indexOf(e) === 0) devices.push(res.json().deviceId);
      }
    }
    await build();
    const stored = await storedEvents(t, p.id);
    firstEvents = new Map(stored.map((r) => [Date.parse(`${r.created_at}Z`), r]));
  });

  const first = (at: number) => firstEvents.get(at)!;

  it('overview sums the five sessions of the window and fills every day, the last one included', async () => {
    const body = await ok(`/insights/${p.id}/overview?${q(window)}`);
    expect(body.summary).toEqual({
      bounce_rate: 60, // S2, S3, S4 of 5
      unique_visitors: 3, // user-42, B, C
      total_sessions: 5,
      avg_session_duration: 270, // S1 360 s and S5 180 s; the bounces last 0 and are left out
      total_screen_views: 8,
      views_per_session: 1.6,
      total_revenue: 1999,
    });
    expect(body.interval).toBe('day');
    expect(body.startDate).toBe(`${day(-3)}T00:00:00.000+01:00`);
    expect(body.endDate).toBe(`${day(-1)}T23:59:59.999+01:00`);
    expect(body.series.map((s: Row) => [s.date.slice(0, 10), s.total_sessions, s.unique_visitors, s.total_screen_views])).toEqual([
      [day(-3), 1, 1, 3],
      [day(-2), 3, 2, 4],
      [day(-1), 1, 1, 1],
    ]);
    expect(body.series[1]).toMatchObject({ bounce_rate: 66.67, avg_session_duration: 180, views_per_session: 1.33, total_revenue: 0 });
  });

  it('the default window is the last 30 days with today in it; a date-only endDate of today includes today', async () => {
    const all = await ok(`/insights/${p.id}/overview`);
    expect(all.summary.total_sessions).toBe(6);
    expect(all.series).toHaveLength(30);
    expect(all.series.at(-1).date.slice(0, 10)).toBe(day(0));
    const upToToday = await ok(`/insights/${p.id}/overview?${q({ startDate: day(-1), endDate: day(0) })}`);
    expect(upToToday.summary.total_sessions).toBe(2);
    expect((await ok(`/insights/${p.id}/overview?range=today`)).summary.total_sessions).toBe(1);
    expect((await ok(`/insights/${p.id}/overview?range=yesterday`)).summary.total_sessions).toBe(1);
  });

  it('legacy metrics: the same figures, hourly within a day, a 7-day default', async () => {
    const body = await ok(`/insights/${p.id}/metrics?${q(window)}`);
    expect(body.metrics.total_sessions).toBe(5);
    expect(body.series).toHaveLength(3);
    const oneDay = await ok(`/insights/${p.id}/metrics?${q({ startDate: day(-2), endDate: day(-2) })}`);
    expect(oneDay.series).toHaveLength(24);
    expect(oneDay.series.filter((s: Row) => s.total_sessions > 0).map((s: Row) => [s.date.slice(11, 13), s.total_sessions])).toEqual([
      ['10', 2],
      ['11', 1],
    ]);
    expect((await ok(`/insights/${p.id}/metrics`)).series).toHaveLength(7);
  });

  it('filters: a session column, a page viewed, and an unknown field refused', async () => {
    const s3 = first(on(-2, 10));
    const byBrowser = await ok(
      `/insights/${p.id}/overview?${q({ ...window, filters: [{ name: 'browser', operator: 'is', value: [s3.browser] }] })}`,
    );
    expect(byBrowser.summary.total_sessions).toBe(2); // S3, S4
    const docs = await ok(`/insights/${p.id}/overview?${q({ ...window, filters: [{ name: 'path', operator: 'is', value: ['/docs'] }] })}`);
    expect(docs.summary).toMatchObject({ total_sessions: 2, unique_visitors: 2, total_screen_views: 3 }); // S4, S5
    const entry = await ok(
      `/insights/${p.id}/metrics?${q({ ...window, filters: [{ name: 'entryPath', operator: 'is', value: ['/pricing'] }] })}`,
    );
    expect(entry.metrics.total_sessions).toBe(1); // S2
    const hostile = await ok(
      `/insights/${p.id}/overview?${q({ ...window, filters: [{ name: 'city', operator: 'is', value: ["x' OR 1=1 --"] }] })}`,
    );
    expect(hostile.summary.total_sessions).toBe(0);
    const unknown = await get(
      `/insights/${p.id}/overview?${q({ filters: [{ name: 'properties.plan', operator: 'is', value: ['pro'] }] })}`,
    );
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details[0].path).toEqual(['filters', 0, 'name']);
  });

  it('pages/top counts distinct sessions per page, in a stable order, with the revenue of those sessions', async () => {
    const rows = await ok(`/insights/${p.id}/pages/top?${q(window)}`);
    expect(rows).toEqual([
      { origin: DOCS, path: '/docs', sessions: 2, pageviews: 2, revenue: 0 },
      { origin: SHOP, path: '/', sessions: 2, pageviews: 2, revenue: 1999 },
      { origin: SHOP, path: '/pricing', sessions: 2, pageviews: 2, revenue: 1999 },
      { origin: DOCS, path: '/docs/api', sessions: 1, pageviews: 1, revenue: 0 },
      { origin: SHOP, path: '/signup', sessions: 1, pageviews: 1, revenue: 1999 },
    ]);
    // Today's view carries the id of its session (it is recent), the others were put in theirs by time.
    expect(await ok(`/insights/${p.id}/pages/top?range=today`)).toEqual([
      { origin: SHOP, path: '/', sessions: 1, pageviews: 1, revenue: 0 },
    ]);
    // Legacy: 10 per page, and pages do not overlap.
    const page1 = await ok(`/insights/${p.id}/pages?${q({ ...window, limit: 2 })}`);
    const page2 = await ok(`/insights/${p.id}/pages?${q({ ...window, limit: 2, cursor: 2 })}`);
    const page3 = await ok(`/insights/${p.id}/pages?${q({ ...window, limit: 2, cursor: 3 })}`);
    expect([...page1, ...page2, ...page3]).toEqual(rows);
  });

  it('entry and exit pages group sessions by their first and last page', async () => {
    expect(await ok(`/insights/${p.id}/pages/entry_exit?${q(window)}`)).toEqual([
      { origin: DOCS, path: '/docs', sessions: 2, pageviews: 3, revenue: 0 },
      { origin: SHOP, path: '/', sessions: 2, pageviews: 4, revenue: 1999 },
      { origin: SHOP, path: '/pricing', sessions: 1, pageviews: 1, revenue: 0 },
    ]);
    const exits = await ok(`/insights/${p.id}/pages/entry_exit?${q({ ...window, mode: 'exit' })}`);
    expect(exits.map((r: Row) => [r.origin, r.path, r.sessions])).toEqual([
      [DOCS, '/docs', 1],
      [DOCS, '/docs/api', 1],
      [SHOP, '/', 1],
      [SHOP, '/pricing', 1],
      [SHOP, '/signup', 1],
    ]);
  });

  it('per-column and traffic routes group sessions by their first event, empty values as null', async () => {
    const s1 = first(on(-3, 10));
    const s3 = first(on(-2, 10));
    const expected = [
      { name: null, sessions: 3, pageviews: 4, revenue: 0 }, // S2, S4, S5
      ...[
        { name: s1.referrer_name, sessions: 1, pageviews: 3, revenue: 1999 },
        { name: s3.referrer_name, sessions: 1, pageviews: 1, revenue: 0 },
      ].sort((a, b) => (a.name < b.name ? -1 : 1)),
    ];
    expect(s1.referrer_name).not.toBe('');
    expect(s3.referrer_name).not.toBe('');
    expect(await ok(`/insights/${p.id}/referrer_name?${q(window)}`)).toEqual(expected);
    expect(await ok(`/insights/${p.id}/traffic/referrers?${q(window)}`)).toEqual(expected);
    expect((await ok(`/insights/${p.id}/referrer_name?${q({ ...window, limit: 1, cursor: 2 })}`))[0]).toEqual(expected[1]);

    const cities = await ok(`/insights/${p.id}/traffic/geo?${q({ ...window, breakdown: 'city' })}`);
    const expectedCities = new Map<string, number>();
    for (const at of [on(-3, 10), on(-1, 10), on(-2, 10), on(-2, 10, 40), on(-2, 11)]) {
      const key = `${first(at).country}|${first(at).city}`;
      expectedCities.set(key, (expectedCities.get(key) ?? 0) + 1);
    }
    expect(new Map(cities.map((r: Row) => [`${r.prefix}|${r.name ?? ''}`, r.sessions]))).toEqual(expectedCities);
    const browsers = await ok(`/insights/${p.id}/browser_version?${q(window)}`);
    expect(browsers.every((r: Row) => typeof r.prefix === 'string')).toBe(true);
    expect(browsers.reduce((n: number, r: Row) => n + r.sessions, 0)).toBe(5);
    expect((await ok(`/insights/${p.id}/traffic/devices?${q(window)}`)).reduce((n: number, r: Row) => n + r.sessions, 0)).toBe(5);
  });

  it('sessions lists each session once, newest first, with paging and equality parameters', async () => {
    const all = await ok(`/insights/${p.id}/sessions?${q(window)}`);
    expect(all.map((s: Row) => [s.created_at.slice(0, 16), s.screen_view_count, s.is_bounce, s.duration])).toEqual(
      [on(-1, 10), on(-2, 11), on(-2, 10, 40), on(-2, 10), on(-3, 10)].map((at, i) => [
        new Date(at).toISOString().replace('T', ' ').slice(0, 16),
        [1, 2, 1, 1, 3][i],
        [1, 0, 1, 1, 0][i],
        [0, 3 * MIN, 0, 0, 6 * MIN][i],
      ]),
    );
    expect(all[4]).toMatchObject({ profile_id: 'user-42', device_id: devices[0], entry_path: '/', exit_path: '/signup', revenue: 1999 });
    const paged = [1, 2, 3].map((cursor) => ok(`/insights/${p.id}/sessions?${q({ ...window, limit: 2, cursor })}`));
    expect((await Promise.all(paged)).flat()).toEqual(all);
    expect((await ok(`/insights/${p.id}/sessions?${q({ ...window, profileId: 'user-42' })}`)).length).toBe(2);
    // A numeric-looking value stays a string.
    expect(await ok(`/insights/${p.id}/sessions?${q({ ...window, profileId: '123' })}`)).toEqual([]);
  });

  it('pages/performance: dwell time to the next view of the session, bounce rate of its sessions, latest title', async () => {
    const body = await ok(`/insights/${p.id}/pages/performance?${q(window)}`);
    const signals = (bounce: number, minutes: number) => ({
      high_bounce: bounce > 70,
      low_engagement: minutes < 1,
      good_landing_page: bounce < 40 && minutes > 2,
    });
    const row = (origin: string, path: string, title: string, sessions: number, pageviews: number, avg: number, bounce: number) => ({
      origin,
      path,
      title,
      sessions,
      pageviews,
      avg_duration: avg,
      bounce_rate: bounce,
      seo_signals: signals(bounce, avg),
    });
    expect(body).toEqual({
      total_pages: 5,
      shown: 5,
      pages: [
        row(DOCS, '/docs', '', 2, 2, 1, 50), // S5 2 min to /docs/api, S4 0 (a bounce)
        row(SHOP, '/', '', 2, 2, 0.5, 50), // S1 1 min to /pricing, S3 0 (a bounce)
        row(SHOP, '/pricing', 'Pricing plans', 2, 2, 2, 50), // S1 4 min, S2 0 (a bounce)
        row(DOCS, '/docs/api', '', 1, 1, 0, 0),
        row(SHOP, '/signup', '', 1, 1, 0, 0),
      ],
    });
    const byDuration = await ok(`/insights/${p.id}/pages/performance?${q({ ...window, sortBy: 'avg_duration', limit: 3 })}`);
    expect([byDuration.total_pages, byDuration.shown, byDuration.pages.map((r: Row) => r.path)]).toEqual([
      5,
      3,
      ['/pricing', '/docs', '/'],
    ]);
    const search = await ok(`/insights/${p.id}/pages/performance?${q({ ...window, search: 'PLANS' })}`);
    expect(search.pages.map((r: Row) => r.path)).toEqual(['/pricing']);
    expect((await get(`/insights/${p.id}/pages/performance?sortBy=title`)).statusCode).toBe(400);
  });

  it('charts of session_start and session_end are answered from the sessions', async () => {
    const chart = async (events: object[], breakdowns: object[] = []) =>
      ok(`/export/charts?${q({ projectId: p.id, ...window, interval: 'day', events, breakdowns })}`);
    const starts = await chart([{ name: 'session_start', segment: 'event' }]);
    expect(starts.series[0].data.map((d: Row) => d.count)).toEqual([1, 3, 1]);
    expect((await chart([{ name: 'session_start', segment: 'user' }])).series[0].metrics.sum).toBe(4); // per day: 1 + 2 + 1
    expect((await chart([{ name: 'session_start', segment: 'session' }])).series[0].metrics.sum).toBe(5);
    const durations = await chart([{ name: 'session_end', segment: 'property_sum', property: 'duration' }]);
    expect(durations.series[0].metrics.sum).toBe(9 * MIN); // S1 6 min, S5 3 min
    const bounces = await chart([
      { name: 'session_end', segment: 'event', filters: [{ name: 'properties.__bounce', operator: 'is', value: ['true'] }] },
    ]);
    expect(bounces.series[0].metrics.sum).toBe(3);
    const exits = await chart([{ name: 'session_end', segment: 'event' }], [{ name: 'path' }]);
    expect(Object.fromEntries(exits.series.map((s: Row) => [s.names.at(-1), s.metrics.sum]))).toEqual({
      '/': 1,
      '/docs': 1,
      '/docs/api': 1,
      '/pricing': 1,
      '/signup': 1,
    });
    const fromNews = await chart([
      { name: 'session_start', segment: 'event', filters: [{ name: 'properties.__query.utm_source', operator: 'is', value: ['news'] }] },
    ]);
    expect(fromNews.series[0].metrics.sum).toBe(1); // S1
  });

  it('a late event that bridges two sessions merges them everywhere', async () => {
    await send(VISITS[1], { at: on(-2, 10, 20), url: `${SHOP}/bridge` });
    await build();
    const body = await ok(`/insights/${p.id}/overview?${q(window)}`);
    expect(body.summary).toMatchObject({ total_sessions: 4, unique_visitors: 3, total_screen_views: 9 });
    const sessions = await ok(
      `/insights/${p.id}/sessions?${q({ ...window, filters: [{ name: 'deviceId', operator: 'is', value: [devices[1]] }] })}`,
    );
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ screen_view_count: 3, is_bounce: 0, duration: 40 * MIN, entry_path: '/', exit_path: '/docs' });
    const pages = await ok(`/insights/${p.id}/pages/top?${q(window)}`);
    expect(pages.find((r: Row) => r.path === '/bridge')).toEqual({ origin: SHOP, path: '/bridge', sessions: 1, pageviews: 1, revenue: 0 });
    // S3 and S4 are one session now: /docs was viewed in it and in S5.
    expect(pages.find((r: Row) => r.origin === DOCS && r.path === '/docs')).toMatchObject({ sessions: 2, pageviews: 2 });
  });

  it('live counts the visitors of the last five minutes', async () => {
    expect(await ok(`/insights/${p.id}/live`)).toEqual({ visitors: 1 });
  });

  it('access: another project 403, an unknown one 404, write clients 401, bad input 400, 100 requests per 10 s', async () => {
    const other = await createProject(t, { name: 'Other' });
    expect((await get(`/insights/${other.id}/overview`)).statusCode).toBe(403);
    expect((await get(`/insights/no-such-project/overview`, t.root)).statusCode).toBe(404);
    expect((await get(`/insights/${p.id}/overview`, t.root)).statusCode).toBe(200);
    expect((await get(`/insights/${p.id}/overview`, p.writeClient)).statusCode).toBe(401);
    for (const bad of ['range=forever', 'interval=minute', 'startDate=2024-02-30', `startDate=${day(-1)}&endDate=${day(-3)}`]) {
      const res = await get(`/insights/${p.id}/overview?${bad}`);
      expect([bad, res.statusCode]).toEqual([bad, 400]);
    }
    for (const bad of ['pages?limit=1001', 'pages?limit=0', 'country?cursor=-1', 'sessions?limit=101', 'pages/entry_exit?mode=middle']) {
      const res = await get(`/insights/${p.id}/${bad}`);
      expect([bad, res.statusCode, res.json().message]).toEqual([bad, 400, 'Invalid query parameters']);
    }
    const limited = await createClient(t, { name: 'busy reader', mode: 'read', projectId: p.id });
    const codes: number[] = [];
    for (let i = 0; i < 101; i++) codes.push((await get(`/insights/${p.id}/live`, limited)).statusCode);
    expect(codes.slice(0, 100).every((c) => c === 200)).toBe(true);
    expect(codes[100]).toBe(429);
  });
});
