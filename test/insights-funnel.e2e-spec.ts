import { SessionBuilder } from '../src/sessions';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { zonedDay, zonedTime } from './setup/calendar';
import { USER_AGENTS } from './setup/stores';
import { authHeaders, type Credentials, drainEvents, useTestApp } from './setup/test-app';

const MIN = 60_000;
const TZ = 'Europe/Berlin';
const day = (offset: number) => zonedDay(TZ, offset);
/** 10:00 two days ago, the project's time: every visit starts then. */
const T0 = zonedTime(TZ, -2, 10);

interface Visit {
  /** Each visit is a device of its own (its IP). */
  ip: string;
  profileId?: string;
  properties?: Record<string, string>;
  events: { at: number; name: string; plan?: string }[];
}

/**
 * Seven devices, each one session (no gap of 30 minutes). Steps view → cart → checkout:
 * D1 (user u1): all three, checkout on the pro plan.
 * D2: view, cart, a second cart; stops there. Its events carry src=ads.
 * D3: cart before view: out of order, only step 1.
 * D4: view and cart at the same millisecond, checkout (free plan) a minute later.
 * D5: view, cart 25 minutes later, checkout 70 minutes after the view (pro), src=ads.
 * D6 (user u2): view. D7 (user u2, another device): cart 30 minutes later.
 */
const VISITS: Visit[] = [
  {
    ip: '8.8.8.8',
    profileId: 'u1',
    events: [
      { at: T0, name: 'view' },
      { at: T0 + MIN, name: 'cart' },
      { at: T0 + 2 * MIN, name: 'checkout', plan: 'pro' },
    ],
  },
  {
    ip: '81.2.69.142',
    properties: { src: 'ads' },
    events: [
      { at: T0, name: 'view' },
      { at: T0 + 5 * MIN, name: 'cart' },
      { at: T0 + 6 * MIN, name: 'cart' },
    ],
  },
  {
    ip: '89.160.20.112',
    events: [
      { at: T0, name: 'cart' },
      { at: T0 + MIN, name: 'view' },
    ],
  },
  {
    ip: '2.125.160.216',
    events: [
      { at: T0, name: 'view' },
      { at: T0, name: 'cart' },
      { at: T0 + MIN, name: 'checkout', plan: 'free' },
    ],
  },
  {
    ip: '216.160.83.56',
    properties: { src: 'ads' },
    events: [
      { at: T0, name: 'view' },
      { at: T0 + 25 * MIN, name: 'cart' },
      { at: T0 + 50 * MIN, name: 'other' },
      { at: T0 + 70 * MIN, name: 'checkout', plan: 'pro' },
    ],
  },
  { ip: '175.16.199.1', profileId: 'u2', events: [{ at: T0, name: 'view' }] },
  { ip: '67.43.156.1', profileId: 'u2', events: [{ at: T0 + 30 * MIN, name: 'cart' }] },
];

const STEPS = ['view', 'cart', 'checkout'];

/**
 * The expected answer from the furthest step each session or profile reaches (computed
 * here by hand from the fixture): users, percents of step 1 and of each step, the first
 * largest drop by count.
 */
function expected(names: string[], reached: number[]) {
  const users = names.map((_, i) => reached.filter((r) => r > i).length);
  const r2 = (n: number) => Math.round(n * 100) / 100;
  const drops = users.map((u, i) => (i + 1 < users.length ? u - users[i + 1] : 0));
  const worst = Math.max(...drops);
  return {
    steps: names.map((eventName, i) => ({
      step: i + 1,
      eventName,
      users: users[i],
      conversionRateFromStart: users[0] ? r2((users[i] / users[0]) * 100) : 0,
      dropoffPercent: i + 1 === names.length ? null : users[i] ? r2((drops[i] / users[i]) * 100) : 0,
      isHighestDropoff: worst > 0 && drops.indexOf(worst) === i,
    })),
    totalUsers: users[0],
    completedUsers: users[users.length - 1],
    overallConversionRate: users[0] ? r2((users[users.length - 1] / users[0]) * 100) : 0,
  };
}

describe('Insights: funnel', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let reader: Credentials;

  const get = (url: string, as: Credentials = reader) => t.app.inject({ method: 'GET', url, headers: authHeaders(as) });
  const ok = async (url: string, as?: Credentials) => {
    const res = await get(url, as);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  /** Query text: arrays as repeated keys, objects as JSON. */
  const q = (params: Record<string, string | number | boolean | object>) => {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (Array.isArray(v)) for (const item of v) s.append(k, typeof item === 'string' ? item : JSON.stringify(item));
      else s.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    return s.toString();
  };
  const window = { startDate: day(-2), endDate: day(-2) };
  const funnel = (params: Record<string, string | number | boolean | object>, as?: Credentials) =>
    ok(`/insights/${p.id}/funnel?${q({ ...window, ...params })}`, as);

  beforeAll(async () => {
    p = await createProject(t, { name: 'Insights funnel', timezone: TZ });
    reader = await createClient(t, { name: 'funnel reader', mode: 'read', projectId: p.id });
    for (const v of VISITS) {
      for (const e of v.events) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/track',
          headers: { ...authHeaders(p.writeClient), 'user-agent': USER_AGENTS.chrome, 'x-client-ip': v.ip },
          payload: {
            type: 'track',
            payload: {
              name: e.name,
              ...(v.profileId ? { profileId: v.profileId } : {}),
              properties: { __timestamp: new Date(e.at).toISOString(), ...v.properties, ...(e.plan ? { plan: e.plan } : {}) },
            },
          },
        });
        expect(res.statusCode).toBe(200);
      }
    }
    await drainEvents(t);
    await t.app.get(SessionBuilder).runOnce({ lagMs: 0 });
  });

  it('by session, strict: out of order, same millisecond and sessions that stop early count at the last step reached', async () => {
    // D1 3, D2 2, D3 1 (cart first), D4 1 (cart at the view's millisecond), D5 3, D6 1; D7 has no view
    const body = await funnel({ steps: STEPS });
    expect(body).toEqual(expected(STEPS, [3, 2, 1, 1, 3, 1]));
    expect(body).toEqual({
      steps: [
        { step: 1, eventName: 'view', users: 6, conversionRateFromStart: 100, dropoffPercent: 50, isHighestDropoff: true },
        { step: 2, eventName: 'cart', users: 3, conversionRateFromStart: 50, dropoffPercent: 33.33, isHighestDropoff: false },
        { step: 3, eventName: 'checkout', users: 2, conversionRateFromStart: 33.33, dropoffPercent: null, isHighestDropoff: false },
      ],
      totalUsers: 6,
      completedUsers: 2,
      overallConversionRate: 33.33,
    });
    // the defaults spelled out answer the same
    expect(await funnel({ steps: STEPS, windowHours: 24, groupBy: 'session_id', nonStrictOrdering: false })).toEqual(body);
  });

  it('nonStrictOrdering: steps at the same millisecond count in step order', async () => {
    // D4 now reaches checkout
    expect(await funnel({ steps: STEPS, nonStrictOrdering: true })).toEqual({
      steps: [
        { step: 1, eventName: 'view', users: 6, conversionRateFromStart: 100, dropoffPercent: 33.33, isHighestDropoff: true },
        { step: 2, eventName: 'cart', users: 4, conversionRateFromStart: 66.67, dropoffPercent: 25, isHighestDropoff: false },
        { step: 3, eventName: 'checkout', users: 3, conversionRateFromStart: 50, dropoffPercent: null, isHighestDropoff: false },
      ],
      totalUsers: 6,
      completedUsers: 3,
      overallConversionRate: 50,
    });
  });

  it('windowHours: a step later than the window after the first step does not count', async () => {
    // D5's checkout is 70 minutes after its view
    expect(await funnel({ steps: STEPS, windowHours: 1 })).toEqual(expected(STEPS, [3, 2, 1, 1, 2, 1]));
    expect((await funnel({ steps: STEPS, windowHours: 1 })).steps[2]).toEqual({
      step: 3,
      eventName: 'checkout',
      users: 1,
      conversionRateFromStart: 16.67,
      dropoffPercent: null,
      isHighestDropoff: false,
    });
  });

  it('a step with filters: only its matching events count (steps as JSON, names and objects mixed)', async () => {
    const steps = ['view', 'cart', { name: 'checkout', filters: [{ name: 'properties.plan', operator: 'is', value: ['pro'] }] }];
    // non-strict, so D4 passes cart; its checkout is on the free plan
    const body = await funnel({ steps: JSON.stringify(steps), nonStrictOrdering: true });
    expect(body).toEqual(expected(STEPS, [3, 2, 1, 2, 3, 1]));
    expect(body.steps.map((s: { users: number; isHighestDropoff: boolean }) => [s.users, s.isHighestDropoff])).toEqual([
      [6, true], // drops 2 and 2: the first one is the highest
      [4, false],
      [2, false],
    ]);
    expect(body.overallConversionRate).toBe(33.33);
    // one JSON object per repeated value reads the same
    expect(await funnel({ steps, nonStrictOrdering: true })).toEqual(body);
  });

  it("filters apply to every step's events", async () => {
    // D2 and D5 only
    expect(await funnel({ steps: STEPS, filters: [{ name: 'properties.src', operator: 'is', value: ['ads'] }] })).toEqual(
      expected(STEPS, [2, 3]),
    );
  });

  it('a repeated step is reached by a later event, never by the same one', async () => {
    const steps = ['view', 'cart', 'cart'];
    // D2 has two carts; D1 and D5 one
    expect(await funnel({ steps })).toEqual(expected(steps, [2, 3, 1, 1, 2, 1]));
    expect((await funnel({ steps })).steps.map((s: { users: number }) => s.users)).toEqual([6, 3, 1]);
  });

  it('by profile: identified events only, across devices and sessions', async () => {
    // u1 all three; u2 view on one device, cart on the other; anonymous devices are left out
    expect(await funnel({ steps: STEPS, groupBy: 'profile_id' })).toEqual({
      steps: [
        { step: 1, eventName: 'view', users: 2, conversionRateFromStart: 100, dropoffPercent: 0, isHighestDropoff: false },
        { step: 2, eventName: 'cart', users: 2, conversionRateFromStart: 100, dropoffPercent: 50, isHighestDropoff: true },
        { step: 3, eventName: 'checkout', users: 1, conversionRateFromStart: 50, dropoffPercent: null, isHighestDropoff: false },
      ],
      totalUsers: 2,
      completedUsers: 1,
      overallConversionRate: 50,
    });
  });

  it('a window without the events answers every step with zeros', async () => {
    expect(await ok(`/insights/${p.id}/funnel?${q({ steps: STEPS, startDate: day(-1) })}`)).toEqual(expected(STEPS, []));
    expect(await ok(`/insights/${p.id}/funnel?${q({ steps: STEPS })}`)).toEqual(expected(STEPS, [3, 2, 1, 1, 3, 1]));
  });

  it('hostile step names and values are values: they match nothing', async () => {
    const hostile = ["x' OR 1=1 --", '{name}', 'view\\', '); DROP TABLE events; --'];
    const body = await funnel({ steps: JSON.stringify(hostile) });
    expect(body.totalUsers).toBe(0);
    expect(body.steps.map((s: { eventName: string }) => s.eventName)).toEqual(hostile);
  });

  it('refuses bad input with a 400 in the API shape', async () => {
    const bad: [Record<string, string | number | boolean | object>, (string | number)[]][] = [
      [{ steps: ['view'] }, ['steps']],
      [{ steps: Array.from({ length: 11 }, (_, i) => `s${i}`) }, ['steps']],
      [{}, ['steps']],
      [{ steps: STEPS, windowHours: 0 }, ['windowHours']],
      [{ steps: STEPS, windowHours: 721 }, ['windowHours']],
      [{ steps: STEPS, windowHours: 'soon' }, ['windowHours']],
      [{ steps: STEPS, groupBy: 'device_id' }, ['groupBy']],
      [{ steps: STEPS, nonStrictOrdering: 'maybe' }, ['nonStrictOrdering']],
      [{ steps: '["view", {"name": "cart"' }, ['steps']],
      [{ steps: ['view', '{"name":'] }, ['steps', 1]],
      [{ steps: ['view', { name: '' }] }, ['steps', 1, 'name']],
      [
        { steps: ['view', { name: 'cart', filters: [{ name: 'nope', operator: 'is', value: ['x'] }] }] },
        ['steps', 1, 'filters', 0, 'name'],
      ],
      [
        { steps: ['view', { name: 'cart', filters: [{ name: 'path', operator: 'near', value: ['x'] }] }] },
        ['steps', 1, 'filters', 0, 'operator'],
      ],
      [{ steps: STEPS, filters: [{ name: 'nope', operator: 'is', value: ['x'] }] }, ['filters', 0, 'name']],
      [{ steps: ['view', 'ca\u0000rt'] }, ['steps', 1, 'name']],
      [
        { steps: ['view', { name: 'cart', filters: [{ name: 'path', operator: 'regex', value: ['(unclosed'] }] }] },
        ['steps', 1, 'filters', 0, 'value', 0],
      ],
    ];
    for (const [params, path] of bad) {
      const res = await get(`/insights/${p.id}/funnel?${q({ ...window, ...params })}`);
      expect([params, res.statusCode]).toEqual([params, 400]);
      const body = res.json();
      expect(body).toMatchObject({ status: 400, error: 'Bad Request' });
      expect([params, body.details.map((d: { path: (string | number)[] }) => d.path)]).toEqual([params, expect.arrayContaining([path])]);
    }
    const few = (await get(`/insights/${p.id}/funnel?${q({ steps: ['view'] })}`)).json();
    expect(few.details).toContainEqual({ path: ['steps'], message: 'steps must have between 2 and 10 items' });
  });

  it('access: another project 403, an unknown one 404, a write client 401', async () => {
    const other = await createProject(t, { name: 'Other funnel' });
    const url = (id: string) => `/insights/${id}/funnel?${q({ steps: STEPS })}`;
    expect((await get(url(other.id))).statusCode).toBe(403);
    expect((await get(url('no-such-project'), t.root)).statusCode).toBe(404);
    expect((await get(url(p.id), p.writeClient)).statusCode).toBe(401);
    expect((await get(url(p.id), t.root)).statusCode).toBe(200);
  });
});
