import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { zonedDay, zonedTime } from './setup/calendar';
import { type Row, storedEvents, USER_AGENTS } from './setup/stores';
import { authHeaders, type Credentials, drainEvents, useTestApp } from './setup/test-app';

const MIN = 60_000;
const TZ = 'Europe/Berlin';
const SHOP = 'https://shop.example.com';
const DOCS = 'https://docs.example.com';
const HOSTILE = "x' OR 1=1 --";
const HIDDEN = ['__duration_from', '__properties_from'];

/** `YYYY-MM-DD` of the project's day `offset` days from today, and the instant of `hh:mm` on it. */
const day = (offset: number) => zonedDay(TZ, offset);
const on = (offset: number, hour: number, minute = 0) => zonedTime(TZ, offset, hour, minute);

interface Sent {
  visitor: 'A' | 'B' | 'C';
  at: number;
  name: string;
  url?: string;
  referrer?: string;
  profileId?: string;
  props?: Record<string, string>;
}

const VISITORS = {
  A: { ip: '8.8.8.8', ua: USER_AGENTS.chrome },
  B: { ip: '81.2.69.142', ua: USER_AGENTS.safari },
  C: { ip: '89.160.20.112', ua: USER_AGENTS.iphone },
};

/**
 * Nine events. The window day -3 .. day -1 (project calendar) holds E2 to E8: E2 is 00:30 on
 * day -3 in Berlin (the evening before in UTC), E8 23:30 on day -1 (left out by a date-only end
 * read as midnight). E1 lies the day before, E9 today. E5 and E6 share their instant.
 */
const SENT: Sent[] = [
  { visitor: 'A', at: on(-4, 23, 30), name: 'screen_view', url: `${SHOP}/old` },
  {
    visitor: 'A',
    at: on(-3, 0, 30),
    name: 'screen_view',
    url: `${SHOP}/?utm_source=news`,
    referrer: 'https://www.google.com/',
    props: { plan: 'free' },
  },
  { visitor: 'A', at: on(-3, 10), name: 'screen_view', url: `${SHOP}/pricing`, props: { plan: 'pro' } },
  { visitor: 'A', at: on(-3, 10, 5), name: 'signup', profileId: 'user-42', props: { plan: 'pro', source: 'ad' } },
  { visitor: 'B', at: on(-2, 10), name: 'screen_view', url: `${SHOP}/`, referrer: 'https://twitter.com/someone' },
  { visitor: 'B', at: on(-2, 10), name: 'click', props: { button: 'buy' } },
  { visitor: 'C', at: on(-2, 11), name: 'screen_view', url: `${DOCS}/docs` },
  { visitor: 'C', at: on(-1, 23, 30), name: 'click', profileId: '123', props: { button: 'signup' } },
  { visitor: 'B', at: Date.now() - 2 * MIN, name: 'screen_view', url: `${SHOP}/` },
];

const utc = (at: number) => new Date(at).toISOString().replace('T', ' ').slice(0, 23);

describe('Insights: events', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let reader: Credentials;
  /** Stored rows of the project, newest first, ties by id: the order the route promises. */
  let stored: Row[];
  /** The stored rows of the window day -3 .. day -1. */
  let inWindow: Row[];

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
  const window = { startDate: day(-3), endDate: day(-1) };
  const ids = (rows: Row[]) => rows.map((r) => r.id);
  const events = async (params: Record<string, string | number | object>) => ids(await ok(`/insights/${p.id}/events?${q(params)}`));
  const sentAt = (rows: Row[]) => rows.map((r) => Date.parse(`${r.created_at}Z`));

  beforeAll(async () => {
    p = await createProject(t, { name: 'Insights events', timezone: TZ });
    reader = await createClient(t, { name: 'events reader', mode: 'read', projectId: p.id });
    for (const e of SENT) {
      const v = VISITORS[e.visitor];
      const res = await t.app.inject({
        method: 'POST',
        url: '/track',
        headers: { ...authHeaders(p.writeClient), 'user-agent': v.ua, 'x-client-ip': v.ip },
        payload: {
          type: 'track',
          payload: {
            name: e.name,
            ...(e.profileId ? { profileId: e.profileId } : {}),
            properties: {
              __timestamp: new Date(e.at).toISOString(),
              ...(e.url ? { __path: e.url } : {}),
              ...(e.referrer ? { __referrer: e.referrer } : {}),
              ...e.props,
            },
          },
        },
      });
      expect(res.statusCode).toBe(200);
    }
    await drainEvents(t);
    stored = (await storedEvents(t, p.id)).sort((a, b) =>
      a.created_at !== b.created_at ? (a.created_at < b.created_at ? 1 : -1) : a.id < b.id ? 1 : -1,
    );
    expect(stored).toHaveLength(SENT.length);
    const [start, end] = [on(-3, 0), on(0, 0)];
    inWindow = stored.filter((r) => Date.parse(`${r.created_at}Z`) >= start && Date.parse(`${r.created_at}Z`) < end);
  });

  it('lists the window newest first, ties by id, with OpenPanel columns; pages concatenate to the whole', async () => {
    const all: Row[] = await ok(`/insights/${p.id}/events?${q(window)}`);
    expect(sentAt(all)).toEqual(
      SENT.slice(1, 8)
        .map((e) => e.at)
        .sort((a, b) => b - a),
    );
    expect(ids(all)).toEqual(ids(inWindow));
    const signup = all.find((r) => r.name === 'signup')!;
    expect(Object.keys(signup).sort()).toEqual(
      [
        'id',
        'name',
        'sdk_name',
        'sdk_version',
        'device_id',
        'profile_id',
        'project_id',
        'session_id',
        'groups',
        'path',
        'origin',
        'referrer',
        'referrer_name',
        'referrer_type',
        'revenue',
        'duration',
        'properties',
        'created_at',
        'country',
        'city',
        'region',
        'longitude',
        'latitude',
        'os',
        'os_version',
        'browser',
        'browser_version',
        'device',
        'brand',
        'model',
        'imported_at',
      ].sort(),
    );
    expect(signup).toMatchObject({ profile_id: 'user-42', project_id: p.id, created_at: utc(SENT[3].at), imported_at: null, revenue: 0 });
    expect(signup.properties).toMatchObject({ plan: 'pro', source: 'ad' });
    // The tie of E5 and E6 is broken by id, descending.
    const tied = all.filter((r) => r.created_at === utc(SENT[4].at));
    expect(tied).toHaveLength(2);
    expect(tied[0].id > tied[1].id).toBe(true);

    const pages = await Promise.all([1, 2, 3].map((cursor) => events({ ...window, limit: 3, cursor })));
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(new Set(pages.flat()).size).toBe(7);
    expect(pages.flat()).toEqual(ids(all));
    expect(await events({ ...window, limit: 3, cursor: 4 })).toEqual([]);
  });

  it("the window: date-only ends are whole days of the project's calendar, range is honoured, 30 days by default", async () => {
    expect(await events({ startDate: day(-1), endDate: day(-1) })).toEqual(ids(stored.filter((r) => r.created_at === utc(SENT[7].at))));
    expect(await events({ startDate: day(-4), endDate: day(-4) })).toEqual([stored.find((r) => r.created_at === utc(SENT[0].at))!.id]);
    expect(await events({})).toEqual(ids(stored));
    expect(await events({ range: 'today' })).toEqual([stored[0].id]);
    expect(await events({ range: 'yesterday' })).toEqual(ids(stored.filter((r) => r.created_at === utc(SENT[7].at))));
  });

  it('each equality parameter keeps the events whose column is exactly the value', async () => {
    const pick = (column: string, at: number) => stored.find((r) => r.created_at === utc(at))![column] as string;
    const cases: [string, string, string][] = [
      ['path', 'path', '/pricing'],
      ['country', 'country', pick('country', SENT[4].at)],
      ['city', 'city', pick('city', SENT[6].at)],
      ['device', 'device', pick('device', SENT[6].at)],
      ['browser', 'browser', pick('browser', SENT[4].at)],
      ['os', 'os', pick('os', SENT[4].at)],
      ['referrer', 'referrer', pick('referrer', SENT[1].at)],
      ['referrerName', 'referrer_name', pick('referrer_name', SENT[4].at)],
      ['referrerType', 'referrer_type', pick('referrer_type', SENT[4].at)],
      ['profileId', 'profile_id', 'user-42'],
      ['profileId', 'profile_id', '123'],
    ];
    for (const [param, column, value] of cases) {
      const expected = ids(inWindow.filter((r) => r[column] === value));
      expect([param, value, expected.length > 0 && expected.length < inWindow.length]).toEqual([param, value, true]);
      expect([param, value, await events({ ...window, [param]: value })]).toEqual([param, value, expected]);
    }
    // Two at once: both must hold.
    const both = ids(inWindow.filter((r) => r.path === '/' && r.browser === pick('browser', SENT[4].at)));
    expect(await events({ ...window, path: '/', browser: pick('browser', SENT[4].at) })).toEqual(both);
  });

  it('properties, eventNames and filters narrow the list; invalid properties are a 400', async () => {
    const withProps = (props: Record<string, string>) =>
      ids(inWindow.filter((r) => Object.entries(props).every(([k, v]) => r.properties[k] === v)));
    expect(await events({ ...window, properties: { plan: 'pro' } })).toEqual(withProps({ plan: 'pro' }));
    expect(withProps({ plan: 'pro' })).toHaveLength(2);
    // A number reads as its text: no event has plan "1", and that is not an error.
    expect(ids(await ok(`/insights/${p.id}/events?${q(window)}&properties=${encodeURIComponent('{"plan":1}')}`))).toEqual([]);
    expect(await events({ ...window, properties: { plan: 'pro', source: 'ad' } })).toEqual(withProps({ plan: 'pro', source: 'ad' }));
    const namesIn = (names: string[]) => ids(inWindow.filter((r) => names.includes(r.name)));
    expect(namesIn(['click', 'signup'])).toHaveLength(3);
    expect(await events({ ...window, eventNames: 'click,signup' })).toEqual(namesIn(['click', 'signup']));
    expect(ids(await ok(`/insights/${p.id}/events?${q(window)}&eventNames=click&eventNames=signup`))).toEqual(namesIn(['click', 'signup']));
    expect(await events({ ...window, eventNames: 'signup' })).toEqual(namesIn(['signup']));
    expect(await events({ ...window, filters: [{ name: 'properties.button', operator: 'is', value: ['buy'] }] })).toEqual(
      withProps({ button: 'buy' }),
    );
    for (const bad of [
      'properties=%7Bplan',
      'properties=%5B1%5D',
      'properties=%22pro%22',
      'properties=%7B%22plan%22%3A%5B%5D%7D',
      'limit=0',
      'limit=101',
      'cursor=-1',
      'range=forever',
      'filters=%5B%7B%22name%22%3A%22nope%22%2C%22operator%22%3A%22is%22%2C%22value%22%3A%5B%22x%22%5D%7D%5D',
    ]) {
      const res = await get(`/insights/${p.id}/events?${bad}`);
      expect([bad, res.statusCode]).toEqual([bad, 400]);
    }
  });

  it('a hostile value is a value like any other: it matches nothing', async () => {
    const hostile: Record<string, string | object>[] = [
      { path: HOSTILE },
      { profileId: HOSTILE },
      { eventNames: HOSTILE },
      { properties: { plan: HOSTILE } },
      { properties: { [HOSTILE]: 'pro' } },
    ];
    for (const params of hostile) {
      expect(await events({ ...window, ...params })).toEqual([]);
    }
    expect(await ok(`/insights/${p.id}/events/property_values?${q({ eventName: HOSTILE, propertyKey: 'plan' })}`)).toEqual({
      event: HOSTILE,
      property: 'plan',
      values: [],
    });
    expect((await ok(`/insights/${p.id}/events/properties?${q({ eventName: HOSTILE })}`)).properties).toEqual([]);
  });

  it('names: the most frequent first by exact count over all history, ties by name', async () => {
    const counts = new Map<string, number>();
    for (const e of SENT) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
    const expected = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name]) => name);
    expect(expected).toEqual(['screen_view', 'click', 'signup']);
    expect(await ok(`/insights/${p.id}/events/names`)).toEqual(expected);
  });

  it('properties: the fixed columns and distinct (key, event) pairs of non-empty values, by key then name', async () => {
    const pairs = (rows: Row[]) => {
      const set = new Set<string>();
      for (const r of rows)
        for (const [k, v] of Object.entries(r.properties as Record<string, string>))
          if (v !== '' && !HIDDEN.includes(k)) set.add(JSON.stringify([k, r.name]));
      return [...set]
        .map((s) => JSON.parse(s) as [string, string])
        .sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? -1 : 1))
        .map(([property_key, event_name]) => ({ property_key, event_name }));
    };
    const body = await ok(`/insights/${p.id}/events/properties`);
    expect(body.columns).toEqual([
      'path',
      'origin',
      'referrer',
      'referrer_name',
      'referrer_type',
      'duration',
      'country',
      'city',
      'region',
      'os',
      'os_version',
      'browser',
      'browser_version',
      'device',
      'brand',
      'model',
      'sdk_name',
      'sdk_version',
      'profile_id',
      'session_id',
      'device_id',
      'revenue',
    ]);
    expect(body.properties).toEqual(pairs(stored));
    expect(body.properties).toEqual(
      expect.arrayContaining([
        { property_key: 'plan', event_name: 'signup' },
        { property_key: 'plan', event_name: 'screen_view' },
      ]),
    );
    const clicks = await ok(`/insights/${p.id}/events/properties?eventName=click`);
    expect(clicks.properties).toEqual(pairs(stored.filter((r) => r.name === 'click')));
    expect(clicks.properties).toContainEqual({ property_key: 'button', event_name: 'click' });
  });

  it('property_values: distinct non-empty values, the most recently seen first; both parameters required', async () => {
    const valuesOf = (name: string, key: string) => [
      ...new Set(
        SENT.filter((e) => e.name === name && e.props?.[key])
          .sort((a, b) => b.at - a.at)
          .map((e) => e.props![key]),
      ),
    ];
    expect(valuesOf('screen_view', 'plan')).toEqual(['pro', 'free']);
    expect(await ok(`/insights/${p.id}/events/property_values?eventName=screen_view&propertyKey=plan`)).toEqual({
      event: 'screen_view',
      property: 'plan',
      values: valuesOf('screen_view', 'plan'),
    });
    expect((await ok(`/insights/${p.id}/events/property_values?eventName=click&propertyKey=button`)).values).toEqual(
      valuesOf('click', 'button'),
    );
    for (const bad of ['', '?eventName=click', '?propertyKey=button', '?eventName=&propertyKey=button']) {
      const res = await get(`/insights/${p.id}/events/property_values${bad}`);
      expect([bad, res.statusCode, res.json().message]).toEqual([bad, 400, 'Invalid query parameters']);
    }
  });

  it('bookkeeping keys: neither listed by properties nor given values by property_values', async () => {
    const other = await createProject(t, { name: 'Bookkeeping keys' });
    const values = { plan: 'team', __duration_from: 'evt-1', __properties_from: 'evt-2' };
    const res = await t.app.inject({
      method: 'POST',
      url: '/track',
      headers: authHeaders(other.writeClient),
      payload: { type: 'track', payload: { name: 'signup', properties: values } },
    });
    expect(res.statusCode).toBe(200);
    await drainEvents(t);
    // The keys are stored as sent: the routes, not ingestion, leave them out.
    const [row] = await storedEvents(t, other.id);
    expect(row.properties).toMatchObject(values);
    const keys = (await ok(`/insights/${other.id}/events/properties?eventName=signup`, t.root)).properties.map(
      (r: { property_key: string }) => r.property_key,
    );
    expect(keys).toContain('plan');
    for (const key of HIDDEN) {
      expect(keys).not.toContain(key);
      expect(await ok(`/insights/${other.id}/events/property_values?${q({ eventName: 'signup', propertyKey: key })}`, t.root)).toEqual({
        event: 'signup',
        property: key,
        values: [],
      });
    }
    expect((await ok(`/insights/${other.id}/events/property_values?eventName=signup&propertyKey=plan`, t.root)).values).toEqual(['team']);
  });

  it('access: another project 403, an unknown one 404, write clients 401', async () => {
    const other = await createProject(t, { name: 'Other events' });
    for (const route of ['events', 'events/names', 'events/properties', 'events/property_values?eventName=a&propertyKey=b']) {
      expect([route, (await get(`/insights/${other.id}/${route}`)).statusCode]).toEqual([route, 403]);
      expect([route, (await get(`/insights/no-such-project/${route}`, t.root)).statusCode]).toEqual([route, 404]);
      expect([route, (await get(`/insights/${p.id}/${route}`, p.writeClient)).statusCode]).toEqual([route, 401]);
      expect([route, (await get(`/insights/${p.id}/${route}`, t.root)).statusCode]).toEqual([route, 200]);
    }
  });
});
