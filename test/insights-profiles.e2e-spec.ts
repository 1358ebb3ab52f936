import { ProfilesInsightsService } from '../src/insights/profiles-insights.service';
import { SessionBuilder } from '../src/sessions';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { USER_AGENTS } from './setup/stores';
import { authHeaders, type Credentials, drainEvents, useTestApp } from './setup/test-app';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const TZ = 'America/New_York';
const SHOP = 'https://shop.example.com';

interface Identity {
  profileId: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  properties?: Record<string, string>;
}

/** Five profiles, identified in this order (so first seen in this order). */
const PROFILES: Identity[] = [
  {
    profileId: 'user-ada',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    properties: { country: 'DE', city: 'Berlin', device: 'desktop', browser: 'Chrome' },
  },
  {
    profileId: 'user-grace',
    firstName: 'Grace',
    lastName: 'Hopper',
    email: 'grace_h@navy.mil',
    properties: { country: 'US', city: 'Arlington', device: 'mobile', browser: 'Safari' },
  },
  { profileId: '123', firstName: 'Num', email: 'num%50@example.com' },
  { profileId: 'user-gracexh', firstName: 'Gracie', email: 'gracexh@navy.mil', properties: { country: 'US' } },
  { profileId: 'user-idle' },
];

interface Ev {
  profileId: string;
  ip: string;
  ua: string;
  at: number;
  name?: string;
  path?: string;
  revenue?: number;
}

const NOW = Date.now();
/** A minute boundary well in the past, so no event falls near a day edge by accident of seconds. */
const T = Math.floor(NOW / MIN) * MIN;
const ADA = { profileId: 'user-ada', ip: '8.8.8.8', ua: USER_AGENTS.chrome };
const GRACE = { profileId: 'user-grace', ip: '81.2.69.142', ua: USER_AGENTS.safari };
const NUM = { profileId: '123', ip: '89.160.20.112', ua: USER_AGENTS.iphone };

/**
 * Ada: S1 ten days ago (3 views and a revenue of 1999 over 6 minutes), S3 five days ago (views
 * 50 minutes apart: two bounces until the late event at +25 min merges them into one session of
 * 50 minutes), S2 three hours ago (one view, a bounce). Grace: one view and a `signup` four
 * days ago (one session, a bounce). "123": one view two minutes ago.
 */
const S1 = T - 10 * DAY;
const S3 = T - 5 * DAY;
const S2 = T - 3 * HOUR;
const EVENTS: Ev[] = [
  { ...ADA, at: S1, path: '/' },
  { ...ADA, at: S1 + MIN, path: '/pricing' },
  { ...ADA, at: S1 + 5 * MIN, path: '/signup' },
  { ...ADA, at: S1 + 6 * MIN, name: 'revenue', revenue: 1999 },
  { ...ADA, at: S3, path: '/docs' },
  { ...ADA, at: S3 + 50 * MIN, path: '/docs/api' },
  { ...ADA, at: S2, path: '/pricing' },
  { ...GRACE, at: T - 4 * DAY - HOUR, path: '/' },
  { ...GRACE, at: T - 4 * DAY - HOUR + MIN, name: 'signup' },
  { ...NUM, at: NOW - 2 * MIN, path: '/' },
];
/** Sent after the first build: it bridges Ada's two sessions of five days ago. */
const LATE: Ev = { ...ADA, at: S3 + 25 * MIN, path: '/docs/guide' };

const dayOf = (at: number) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(at);
const round2 = (n: number) => Math.round(n * 100) / 100;

/** numpy's default percentile: linear between the ranks of the sorted values. */
function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const rank = q * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}

describe('Insights: profiles', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let readers: Credentials[];
  let turn = 0;
  /** created_at of each profile, as the detail route shows it. */
  const createdAt = new Map<string, string>();

  /** Requests rotate over several read clients: the test makes more than one client's 100 per 10 s. */
  const get = (url: string, as?: Credentials) =>
    t.app.inject({ method: 'GET', url, headers: authHeaders(as ?? readers[turn++ % readers.length]) });
  const ok = async (url: string, as?: Credentials) => {
    const res = await get(url, as);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const q = (params: Record<string, string | number>) =>
    new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const ids = async (params: Record<string, string | number>) =>
    ((await ok(`/insights/${p.id}/profiles?${q(params)}`)) as { id: string }[]).map((r) => r.id);

  const track = (body: object, ev?: { ip: string; ua: string }) =>
    t.app.inject({
      method: 'POST',
      url: '/track',
      headers: { ...authHeaders(p.writeClient), ...(ev ? { 'user-agent': ev.ua, 'x-client-ip': ev.ip } : {}) },
      payload: body,
    });
  const send = async (e: Ev) => {
    const res = await track(
      {
        type: 'track',
        payload: {
          name: e.name ?? 'screen_view',
          profileId: e.profileId,
          properties: {
            __timestamp: new Date(e.at).toISOString(),
            ...(e.path ? { __path: `${SHOP}${e.path}` } : {}),
            ...(e.revenue ? { __revenue: e.revenue } : {}),
          },
        },
      },
      e,
    );
    expect(res.statusCode).toBe(200);
  };
  const build = async () => {
    await drainEvents(t);
    await t.app.get(SessionBuilder).runOnce({ lagMs: 0 });
  };

  /** First seen order, newest first: created_at descending, ties by id descending. */
  const newestFirst = () =>
    [...createdAt.entries()].sort(([a, x], [b, y]) => (x === y ? (a < b ? 1 : -1) : x < y ? 1 : -1)).map(([id]) => id);

  beforeAll(async () => {
    p = await createProject(t, { name: 'Insights profiles', timezone: TZ });
    readers = [];
    for (let i = 0; i < 4; i++) readers.push(await createClient(t, { name: `profiles reader ${i}`, mode: 'read', projectId: p.id }));
    for (const identity of PROFILES) {
      expect((await track({ type: 'identify', payload: identity })).statusCode).toBe(200);
      await drainEvents(t);
    }
    for (const e of EVENTS) await send(e);
    await build();
    // Before the late event, Ada has four sessions.
    const before = await ok(`/insights/${p.id}/profiles/user-ada/sessions`);
    expect(before).toHaveLength(4);
    await send(LATE);
    await build();
    for (const { profileId } of PROFILES)
      createdAt.set(profileId, (await ok(`/insights/${p.id}/profiles/${profileId}`)).profile.created_at);
  });

  it('lists every profile, newest first by default, with its stored fields', async () => {
    const rows = await ok(`/insights/${p.id}/profiles`);
    expect(rows.map((r: { id: string }) => r.id)).toEqual(newestFirst());
    const ada = rows.find((r: { id: string }) => r.id === 'user-ada');
    expect(ada).toEqual({
      id: 'user-ada',
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada@example.com',
      avatar: null,
      properties: PROFILES[0].properties,
      project_id: p.id,
      is_external: true,
      created_at: createdAt.get('user-ada'),
      last_seen_at: new Date(S2).toISOString(),
      groups: [],
    });
    // Identified in the order of PROFILES, each after the previous was stored.
    expect(newestFirst()).toEqual(PROFILES.map((x) => x.profileId).reverse());
  });

  it('sortOrder and cursor: pages concatenate to the whole order, without overlap', async () => {
    const desc = newestFirst();
    expect(await ids({ sortOrder: 'asc' })).toEqual([...desc].reverse());
    for (const sortOrder of ['asc', 'desc']) {
      const pages = [];
      for (let cursor = 1; cursor <= 3; cursor++) pages.push(await ids({ sortOrder, limit: 2, cursor }));
      expect(pages.map((x) => x.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(sortOrder === 'asc' ? [...desc].reverse() : desc);
    }
    expect(await ids({ limit: 2, cursor: 4 })).toEqual([]);
    expect(await ids({ limit: 2, cursor: 0 })).toEqual(desc.slice(0, 2));
  });

  it('name: every word must match id, email, first name, last name or "first last", ignoring case', async () => {
    expect(await ids({ name: 'ada love' })).toEqual(['user-ada']);
    expect(await ids({ name: 'LOVELACE' })).toEqual(['user-ada']);
    expect(await ids({ name: 'ada hopper' })).toEqual([]);
    expect(await ids({ name: 'ada lovelace example' })).toEqual(['user-ada']);
    expect(await ids({ name: 'e h', sortOrder: 'asc' })).toEqual(['user-grace', 'user-gracexh']);
    expect(await ids({ name: 'gRaCe', sortOrder: 'asc' })).toEqual(['user-grace', 'user-gracexh']);
    expect(await ids({ name: '12' })).toEqual(['123']);
    expect(await ids({ name: 'user-', sortOrder: 'asc' })).toEqual(['user-ada', 'user-grace', 'user-gracexh', 'user-idle']);
    expect(await ids({ name: '  ada   lovelace  ' })).toEqual(['user-ada']);
    const res = await get(`/insights/${p.id}/profiles?${q({ name: 'a b c d e f' })}`);
    expect(res.statusCode).toBe(400);
  });

  it('% and _ match themselves; hostile text matches nothing', async () => {
    expect(await ids({ name: '%' })).toEqual(['123']);
    expect(await ids({ email: '%5' })).toEqual(['123']);
    expect(await ids({ email: 'e_h' })).toEqual(['user-grace']); // as a wildcard, `_` would match gracexh too
    expect(await ids({ name: '_' })).toEqual(['user-grace']);
    for (const hostile of ["x' OR 1=1 --", "' OR ''='", '\\', "'; DROP TABLE profiles; --"]) {
      expect([hostile, await ids({ name: hostile })]).toEqual([hostile, []]);
      expect([hostile, await ids({ email: hostile })]).toEqual([hostile, []]);
      expect([hostile, await ids({ country: hostile })]).toEqual([hostile, []]);
      expect([hostile, await ids({ performedEvent: hostile })]).toEqual([hostile, []]);
    }
    expect((await ids({})).length).toBe(PROFILES.length);
  });

  it('email, country, city, device, browser', async () => {
    expect(await ids({ email: 'NAVY', sortOrder: 'asc' })).toEqual(['user-grace', 'user-gracexh']);
    expect(await ids({ country: 'DE' })).toEqual(['user-ada']);
    expect(await ids({ country: 'US', sortOrder: 'asc' })).toEqual(['user-grace', 'user-gracexh']);
    expect(await ids({ country: 'us' })).toEqual([]);
    expect(await ids({ city: 'Arlington' })).toEqual(['user-grace']);
    expect(await ids({ device: 'mobile' })).toEqual(['user-grace']);
    expect(await ids({ browser: 'Chrome' })).toEqual(['user-ada']);
    expect(await ids({ country: 'US', device: 'mobile' })).toEqual(['user-grace']);
  });

  it('inactiveDays, performedEvent, minSessions (sessions counted once, after the merge)', async () => {
    // Last events: Ada 3 hours ago, "123" 2 minutes ago, Grace 4 days ago, the others none.
    expect(await ids({ inactiveDays: 1, sortOrder: 'asc' })).toEqual(['user-grace', 'user-gracexh', 'user-idle']);
    expect(await ids({ inactiveDays: 5, sortOrder: 'asc' })).toEqual(['user-gracexh', 'user-idle']);
    expect(await ids({ performedEvent: 'signup' })).toEqual(['user-grace']);
    expect(await ids({ performedEvent: 'revenue' })).toEqual(['user-ada']);
    expect(await ids({ performedEvent: 'screen_view', sortOrder: 'asc' })).toEqual(['user-ada', 'user-grace', '123']);
    expect(await ids({ performedEvent: 'signup', inactiveDays: 1 })).toEqual(['user-grace']);
    expect(await ids({ minSessions: 1, sortOrder: 'asc' })).toEqual(['user-ada', 'user-grace', '123']);
    expect(await ids({ minSessions: 3 })).toEqual(['user-ada']);
    // Four sessions before the merge, stored rows more still: none has four now.
    expect(await ids({ minSessions: 4 })).toEqual([]);
    expect(await ids({ minSessions: 2, name: 'grace' })).toEqual([]);
    for (const bad of ['inactiveDays=0', 'minSessions=-1', 'limit=101', 'limit=0', 'sortOrder=up', 'cursor=x', 'performedEvent=']) {
      const res = await get(`/insights/${p.id}/profiles?${bad}`);
      expect([bad, res.statusCode]).toEqual([bad, 400]);
    }
  });

  it("filters: the chart grammar on the profile's own fields, every value and key bound", async () => {
    const byFilters = (...filters: object[]) => ids({ filters: JSON.stringify(filters), sortOrder: 'asc' });
    const where = (keep: (x: Identity) => boolean) => PROFILES.filter(keep).map((x) => x.profileId);
    const prop = (x: Identity, key: string) => x.properties?.[key] ?? '';
    expect(await byFilters({ name: 'properties.country', operator: 'is', value: ['US'] })).toEqual(
      where((x) => prop(x, 'country') === 'US'),
    );
    expect(await byFilters({ name: 'profile.properties.country', operator: 'isNot', value: ['US', 'DE'] })).toEqual(
      where((x) => !['US', 'DE'].includes(prop(x, 'country'))),
    );
    expect(await byFilters({ name: 'properties.city', operator: 'isNull', value: [] })).toEqual(where((x) => prop(x, 'city') === ''));
    expect(await byFilters({ name: 'lastName', operator: 'isNotNull', value: [] })).toEqual(where((x) => !!x.lastName));
    expect(await byFilters({ name: 'email', operator: 'endsWith', value: ['@navy.mil'] })).toEqual(
      where((x) => !!x.email?.endsWith('@navy.mil')),
    );
    expect(await byFilters({ name: 'first_name', operator: 'startsWith', value: ['Gra', 'Nu'] })).toEqual(
      where((x) => ['Gra', 'Nu'].some((v) => !!x.firstName?.startsWith(v))),
    );
    // Case-sensitive, and `%` is a plain character.
    expect(await byFilters({ name: 'firstName', operator: 'contains', value: ['ada'] })).toEqual([]);
    expect(await byFilters({ name: 'email', operator: 'contains', value: ['%5'] })).toEqual(['123']);
    expect(await byFilters({ name: 'id', operator: 'doesNotContain', value: ['grace', 'ada'] })).toEqual(
      where((x) => !['grace', 'ada'].some((v) => x.profileId.includes(v))),
    );
    expect(await byFilters({ name: 'isExternal', operator: 'is', value: ['true'] })).toHaveLength(PROFILES.length);
    // createdAt: instants, to the millisecond the API shows.
    const graceSeen = createdAt.get('user-grace')!;
    expect(await byFilters({ name: 'createdAt', operator: 'gte', value: [graceSeen] })).toEqual(
      where((x) => createdAt.get(x.profileId)! >= graceSeen),
    );
    expect(await byFilters({ name: 'createdAt', operator: 'lt', value: [graceSeen] })).toEqual(['user-ada']);
    expect(await byFilters({ name: 'created_at', operator: 'is', value: [createdAt.get('123')!] })).toEqual(['123']);
    const day = graceSeen.slice(0, 10);
    expect(await byFilters({ name: 'createdAt', operator: 'startsWith', value: [day] })).toEqual(
      where((x) => createdAt.get(x.profileId)!.startsWith(day)),
    );
    expect(await byFilters({ name: 'createdAt', operator: 'contains', value: [graceSeen.slice(10)] })).toEqual(['user-grace']);
    // All must hold, with the other parameters too; a value operator without values filters nothing.
    expect(
      await byFilters(
        { name: 'properties.country', operator: 'is', value: ['US'] },
        { name: 'firstName', operator: 'is', value: ['Gracie'] },
      ),
    ).toEqual(['user-gracexh']);
    expect(await ids({ filters: JSON.stringify([{ name: 'email', operator: 'contains', value: ['navy'] }]), name: 'gracie' })).toEqual([
      'user-gracexh',
    ]);
    expect(await byFilters({ name: 'email', operator: 'is', value: [] })).toHaveLength(PROFILES.length);
    for (const hostile of ["x' OR 1=1 --", "' OR ''='", '\\', "'; DROP TABLE profiles; --", ':pf0']) {
      expect([hostile, await byFilters({ name: `properties.${hostile}`, operator: 'isNotNull', value: [] })]).toEqual([hostile, []]);
      expect([hostile, await byFilters({ name: 'email', operator: 'contains', value: [hostile] })]).toEqual([hostile, []]);
    }
    // Text PostgreSQL cannot hold is a 400, never a 500.
    for (const [filter, path] of [
      [{ name: 'properties.coun\u0000try', operator: 'is', value: ['DE'] }, ['filters', 0, 'name']],
      [{ name: 'properties.country', operator: 'is', value: ['D\u0000E'] }, ['filters', 0, 'value', 0]],
      [{ name: 'email', operator: 'contains', value: ['\ud800'] }, ['filters', 0, 'value', 0]],
    ] as const) {
      const res = await get(`/insights/${p.id}/profiles?${q({ filters: JSON.stringify([filter]) })}`);
      expect([filter, res.statusCode, res.json().details?.[0]?.path]).toEqual([filter, 400, path]);
    }
    expect(await ids({})).toHaveLength(PROFILES.length);
  });

  it('filters: an unknown field, an operator not available here or a bad value is a 400 naming it', async () => {
    const cases: [unknown, (string | number)[]][] = [
      [[{ name: 'lastSeenAt', operator: 'is', value: ['x'] }], ['filters', 0, 'name']],
      [
        [
          { name: 'email', operator: 'is', value: ['x'] },
          { name: 'path', operator: 'is', value: ['/'] },
        ],
        ['filters', 1, 'name'],
      ],
      [[{ name: 'properties.', operator: 'is', value: ['x'] }], ['filters', 0, 'name']],
      [[{ name: 'email', operator: 'regex', value: ['.*'] }], ['filters', 0, 'operator']],
      [[{ name: 'properties.age', operator: 'gt', value: ['ten'] }], ['filters', 0, 'value', 0]],
      [[{ name: 'createdAt', operator: 'lt', value: ['2024-02-30'] }], ['filters', 0, 'value', 0]],
    ];
    for (const [filters, path] of cases) {
      const res = await get(`/insights/${p.id}/profiles?${q({ filters: JSON.stringify(filters) })}`);
      expect([filters, res.statusCode]).toEqual([filters, 400]);
      expect(res.json()).toEqual({
        status: 400,
        error: expect.any(String),
        message: 'Invalid query parameters',
        details: [{ path, message: expect.any(String) }],
      });
    }
    for (const bad of ['not json', '{"name":"email"}', '[{"name":"email","operator":"like","value":["x"]}]', '[1]']) {
      const res = await get(`/insights/${p.id}/profiles?${q({ filters: bad })}`);
      expect([bad, res.statusCode]).toEqual([bad, 400]);
    }
  });

  it('the id sets of activity conditions are capped: a condition that selects more is a 400, never a cut answer', async () => {
    const service = t.app.get(ProfilesInsightsService);
    const cap = service.maxActivityIds;
    try {
      service.maxActivityIds = 2;
      // Exactly at the cap: answered. Active in the last day: Ada and "123".
      expect(await ids({ inactiveDays: 1, sortOrder: 'asc' })).toEqual(['user-grace', 'user-gracexh', 'user-idle']);
      expect(await ids({ performedEvent: 'signup' })).toEqual(['user-grace']);
      expect(await ids({ minSessions: 3 })).toEqual(['user-ada']);
      // Over it: Ada, Grace and "123" each did a screen view, had a session, were active in the last 5 days.
      for (const [param, value] of [
        ['performedEvent', 'screen_view'],
        ['minSessions', 1],
        ['inactiveDays', 5],
      ] as const) {
        const res = await get(`/insights/${p.id}/profiles?${q({ [param]: value })}`);
        expect([param, res.statusCode]).toEqual([param, 400]);
        expect(res.json()).toEqual({
          status: 400,
          error: expect.any(String),
          message: 'Invalid query parameters',
          details: [{ path: [param], message: expect.stringMatching(/^More than 2 profiles /) }],
        });
      }
      service.maxActivityIds = 3;
      expect(await ids({ performedEvent: 'screen_view', sortOrder: 'asc' })).toEqual(['user-ada', 'user-grace', '123']);
    } finally {
      service.maxActivityIds = cap;
    }
  });

  it('a profile with its newest events; unknown 404; a numeric-looking id is a string', async () => {
    const body = await ok(`/insights/${p.id}/profiles/user-ada?eventLimit=3`);
    expect(body.profile).toMatchObject({ id: 'user-ada', email: 'ada@example.com', last_seen_at: new Date(S2).toISOString() });
    const adas = [...EVENTS, LATE].filter((e) => e.profileId === 'user-ada').sort((a, b) => b.at - a.at);
    const shown = (r: { created_at: string; name: string; path: string }) => [Date.parse(`${r.created_at}Z`), r.name, r.path];
    const expected = (e: Ev) => [e.at, e.name ?? 'screen_view', e.path ?? ''];
    expect(body.recentEvents.map(shown)).toEqual(adas.slice(0, 3).map(expected));
    const all = await ok(`/insights/${p.id}/profiles/user-ada?eventLimit=100`);
    expect(all.recentEvents.map(shown)).toEqual(adas.map(expected));
    expect(
      all.recentEvents.every((e: { profile_id: string; project_id: string }) => e.profile_id === 'user-ada' && e.project_id === p.id),
    ).toBe(true);
    expect((await ok(`/insights/${p.id}/profiles/user-ada`)).recentEvents).toHaveLength(adas.length);

    const missing = await get(`/insights/${p.id}/profiles/nobody`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ status: 404, error: expect.any(String), message: 'Profile not found' });

    const num = await ok(`/insights/${p.id}/profiles/123`);
    expect(num.profile.id).toBe('123');
    expect(num.recentEvents.map(shown)).toEqual([expected(EVENTS[EVENTS.length - 1])]);
    expect((await get(`/insights/${p.id}/profiles/12`)).statusCode).toBe(404);
    for (const bad of ['eventLimit=0', 'eventLimit=101', 'eventLimit=abc']) {
      expect((await get(`/insights/${p.id}/profiles/user-ada?${bad}`)).statusCode).toBe(400);
    }
  });

  it("a profile's sessions: each once, current version, newest first, paged", async () => {
    const rows = await ok(`/insights/${p.id}/profiles/user-ada/sessions`);
    expect(rows.map((r: { created_at: string }) => Date.parse(`${r.created_at}Z`))).toEqual([S2, S3, S1]);
    expect(new Set(rows.map((r: { id: string }) => r.id)).size).toBe(3);
    expect(
      rows.map((r: { duration: number; screen_view_count: number; is_bounce: number }) => [r.duration, r.screen_view_count, r.is_bounce]),
    ).toEqual([
      [0, 1, 1],
      [50 * MIN, 3, 0],
      [6 * MIN, 3, 0],
    ]);
    expect(rows.every((r: { profile_id: string }) => r.profile_id === 'user-ada')).toBe(true);
    const first = await ok(`/insights/${p.id}/profiles/user-ada/sessions?limit=2`);
    const second = await ok(`/insights/${p.id}/profiles/user-ada/sessions?limit=2&cursor=2`);
    expect([...first, ...second].map((r: { id: string }) => r.id)).toEqual(rows.map((r: { id: string }) => r.id));
    expect(await ok(`/insights/${p.id}/profiles/123/sessions`)).toHaveLength(1);
    expect(await ok(`/insights/${p.id}/profiles/nobody/sessions`)).toEqual([]);
    expect((await get(`/insights/${p.id}/profiles/user-ada/sessions?limit=101`)).statusCode).toBe(400);
  });

  it("a profile's metrics, from its sessions and events", async () => {
    const adas = [...EVENTS, LATE].filter((e) => e.profileId === 'user-ada');
    const sessions = [
      { start: S1, duration: 6 * MIN, events: 4, bounce: false },
      { start: S3, duration: 50 * MIN, events: 3, bounce: false },
      { start: S2, duration: 0, events: 1, bounce: true },
    ];
    const timed = sessions.filter((s) => s.duration > 0).map((s) => s.duration / MIN);
    expect(await ok(`/insights/${p.id}/profiles/user-ada/metrics`)).toEqual({
      profileId: 'user-ada',
      firstSeen: createdAt.get('user-ada'),
      lastSeen: new Date(S2).toISOString(),
      sessions: 3,
      screenViews: adas.filter((e) => !e.name).length,
      totalEvents: adas.length,
      conversionEvents: adas.filter((e) => e.name).length,
      uniqueDaysActive: new Set(adas.map((e) => dayOf(e.at))).size,
      avgSessionDurationMin: round2(timed.reduce((a, b) => a + b, 0) / timed.length),
      p90SessionDurationMin: round2(percentile(timed, 0.9)),
      avgEventsPerSession: round2(sessions.reduce((a, s) => a + s.events, 0) / sessions.length),
      avgTimeBetweenSessionsSec: round2((S2 - S1) / 2 / 1000),
      bounceRate: round2((sessions.filter((s) => s.bounce).length * 100) / sessions.length),
      revenue: 1999,
    });
    expect(await ok(`/insights/${p.id}/profiles/user-grace/metrics`)).toMatchObject({
      sessions: 1,
      screenViews: 1,
      totalEvents: 2,
      conversionEvents: 1,
      uniqueDaysActive: 1,
      avgSessionDurationMin: 1,
      p90SessionDurationMin: 1,
      avgEventsPerSession: 2,
      avgTimeBetweenSessionsSec: 0,
      bounceRate: 100,
      revenue: 0,
    });
    expect(await ok(`/insights/${p.id}/profiles/user-idle/metrics`)).toMatchObject({
      firstSeen: createdAt.get('user-idle'),
      sessions: 0,
      totalEvents: 0,
      bounceRate: 0,
    });
    expect(await ok(`/insights/${p.id}/profiles/nobody/metrics`)).toEqual({
      profileId: 'nobody',
      firstSeen: null,
      lastSeen: null,
      sessions: 0,
      screenViews: 0,
      totalEvents: 0,
      conversionEvents: 0,
      uniqueDaysActive: 0,
      avgSessionDurationMin: 0,
      p90SessionDurationMin: 0,
      avgEventsPerSession: 0,
      avgTimeBetweenSessionsSec: 0,
      bounceRate: 0,
      revenue: 0,
    });
    expect((await ok(`/insights/${p.id}/profiles/123/metrics`)).sessions).toBe(1);
  });

  it("events and sessions sent under an alias before it was made count as the profile's, as in /export/events", async () => {
    const a = await createProject(t, { name: 'Profile aliases', timezone: TZ });
    const sendTo = (body: object) =>
      t.app.inject({
        method: 'POST',
        url: '/track',
        headers: { ...authHeaders(a.writeClient), 'user-agent': USER_AGENTS.chrome, 'x-client-ip': '9.9.9.9' },
        payload: body,
      });
    const event = async (profileId: string, at: number, name = 'screen_view') =>
      expect(
        (
          await sendTo({
            type: 'track',
            payload: { name, profileId, properties: { __timestamp: new Date(at).toISOString(), __path: `${SHOP}/` } },
          })
        ).statusCode,
      ).toBe(200);
    expect((await sendTo({ type: 'identify', payload: { profileId: 'user-main', firstName: 'Main' } })).statusCode).toBe(200);
    // A session under the alias before it is made, then one after (stored under the profile), and one of someone else.
    const [A1, A2] = [T - 8 * DAY, T - 6 * DAY];
    await event('anon-1', A1);
    await event('anon-1', A1 + MIN, 'signup');
    await drainEvents(t);
    expect((await sendTo({ type: 'alias', payload: { profileId: 'user-main', alias: 'anon-1' } })).statusCode).toBe(200);
    await event('anon-1', A2);
    await event('user-main', A2 + 3 * MIN);
    await event('someone-else', T - 7 * DAY);
    await build();

    const exported = await ok(`/export/events?projectId=${a.id}&profileId=user-main&limit=50`, t.root);
    expect(exported.meta.totalCount).toBe(4);
    expect(exported.data.map((e: { profileId: string }) => e.profileId).sort()).toEqual(['anon-1', 'anon-1', 'user-main', 'user-main']);

    const metrics = await ok(`/insights/${a.id}/profiles/user-main/metrics`, t.root);
    expect(metrics).toMatchObject({
      sessions: 2,
      totalEvents: exported.meta.totalCount,
      screenViews: 3,
      conversionEvents: 1,
      uniqueDaysActive: new Set([A1, A2].map(dayOf)).size,
      avgSessionDurationMin: 2,
      avgEventsPerSession: 2,
      avgTimeBetweenSessionsSec: (A2 - A1) / 1000,
      lastSeen: new Date(A2 + 3 * MIN).toISOString(),
    });
    const sessions = await ok(`/insights/${a.id}/profiles/user-main/sessions`, t.root);
    expect(sessions.map((r: { created_at: string; profile_id: string }) => [Date.parse(`${r.created_at}Z`), r.profile_id])).toEqual([
      [A2, 'user-main'],
      [A1, 'anon-1'],
    ]);
    const detail = await ok(`/insights/${a.id}/profiles/user-main`, t.root);
    expect(detail.recentEvents.map((e: { created_at: string }) => Date.parse(`${e.created_at}Z`))).toEqual([
      A2 + 3 * MIN,
      A2,
      A1 + MIN,
      A1,
    ]);
    // The alias itself is no profile of its own: its events are the ones still stored under it.
    expect(await ok(`/insights/${a.id}/profiles/anon-1/metrics`, t.root)).toMatchObject({ firstSeen: null, totalEvents: 2, sessions: 1 });
  });

  it('access: another project 403, an unknown one 404, write clients 401', async () => {
    const other = await createProject(t, { name: 'Other profiles' });
    for (const path of ['profiles', 'profiles/user-ada', 'profiles/user-ada/sessions', 'profiles/user-ada/metrics']) {
      expect([path, (await get(`/insights/${other.id}/${path}`)).statusCode]).toEqual([path, 403]);
      expect([path, (await get(`/insights/no-such-project/${path}`, t.root)).statusCode]).toEqual([path, 404]);
      expect([path, (await get(`/insights/${p.id}/${path}`, p.writeClient)).statusCode]).toEqual([path, 401]);
      expect([path, (await get(`/insights/${p.id}/${path}`, t.root)).statusCode]).toEqual([path, 200]);
    }
  });
});
