import { SANKEY_COLORS } from '@app/analytics';
import { SessionBuilder } from '../src/sessions';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { zonedDay, zonedTime } from './setup/calendar';
import { type Row, USER_AGENTS } from './setup/stores';
import { authHeaders, type Credentials, drainEvents, useTestApp } from './setup/test-app';

const TZ = 'UTC';
const SHOP = 'https://shop.example.com';
const day = (offset: number) => zonedDay(TZ, offset);

/** Event names of the fixture; a page view is `screen_view`. */
const SV = 'screen_view';
const ATC = 'add_to_cart';
const CO = 'checkout';
const PU = 'purchase';
const SE = 'search';

/**
 * Sessions as the builder cuts them (one device, gaps under 30 minutes), events a minute
 * apart, all backdated (so ingestion gives them no session id):
 * S1 (d1, day -2 10:00): screen_view, add_to_cart, checkout, purchase
 * S2 (d1, day -2 12:00, two hours later: a new session): screen_view, search, screen_view, add_to_cart
 * S3 (d2, day -2 10:00): screen_view, screen_view, add_to_cart, checkout
 * S4 (d3, day -2 11:00): search, screen_view, checkout
 * S5 (d4, day -3 09:00): screen_view, add_to_cart, screen_view, purchase
 * S6 (d5, day -1 15:00): login
 * S7 (d6, day -5 10:00, before the window): screen_view, add_to_cart
 * Each session's names also start with session_start and end with session_end.
 */
const SESSIONS: { device: string; day: number; hour: number; names: string[] }[] = [
  { device: 'flow-d1', day: -2, hour: 10, names: [SV, ATC, CO, PU] },
  { device: 'flow-d1', day: -2, hour: 12, names: [SV, SE, SV, ATC] },
  { device: 'flow-d2', day: -2, hour: 10, names: [SV, SV, ATC, CO] },
  { device: 'flow-d3', day: -2, hour: 11, names: [SE, SV, CO] },
  { device: 'flow-d4', day: -3, hour: 9, names: [SV, ATC, SV, PU] },
  { device: 'flow-d5', day: -1, hour: 15, names: ['login'] },
  { device: 'flow-d6', day: -5, hour: 10, names: [SV, ATC] },
];

/**
 * Two sessions across the edges of windows: d7 from 23:50 on day -2 to 00:05 on day -1, d8 from
 * 23:50 on day -4 to 00:10 on day -3 (gaps under 30 minutes, so one session each).
 */
const EDGES: { device: string; name: string; day: number; hour: number; minute: number }[] = [
  { device: 'flow-d7', name: 'late_a', day: -2, hour: 23, minute: 50 },
  { device: 'flow-d7', name: 'late_b', day: -2, hour: 23, minute: 55 },
  { device: 'flow-d7', name: 'late_c', day: -1, hour: 0, minute: 5 },
  { device: 'flow-d8', name: 'early_a', day: -4, hour: 23, minute: 50 },
  { device: 'flow-d8', name: 'early_b', day: -3, hour: 0, minute: 10 },
];

const C0 = SANKEY_COLORS[0];
const C1 = SANKEY_COLORS[1];

describe('Insights: user flow', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let reader: Credentials;

  const get = (url: string, as: Credentials = reader) => t.app.inject({ method: 'GET', url, headers: authHeaders(as) });
  const q = (params: Record<string, string | number | string[]>) => {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) s.append(k, String(x));
    return s.toString();
  };
  const window = { startDate: day(-3), endDate: day(-1) };
  const flow = async (params: Record<string, string | number | string[]>) => {
    const res = await get(`/insights/${p.id}/user_flow?${q({ ...window, ...params })}`);
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
    return res.json();
  };
  /** Nodes as `[id, value, step]` and links as `source > target: value`, to compare at a glance. */
  const shape = (body: Row) => ({
    nodes: body.nodes.map((n: Row) => [n.id, n.value, n.step]),
    links: body.links.map((l: Row) => `${l.source} > ${l.target}: ${l.value}`),
  });

  beforeAll(async () => {
    p = await createProject(t, { name: 'Insights flow', timezone: TZ });
    reader = await createClient(t, { name: 'flow reader', mode: 'read', projectId: p.id });
    const send = async (device: string, name: string, at: number, i: number) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/track',
        headers: { ...authHeaders(p.writeClient), 'x-client-ip': '8.8.8.8', 'user-agent': USER_AGENTS.chrome },
        payload: {
          type: 'track',
          payload: {
            name,
            properties: {
              __deviceId: device,
              __timestamp: new Date(at).toISOString(),
              ...(name === SV ? { __path: `${SHOP}/page-${i}` } : {}),
            },
          },
        },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().sessionId).toBe(''); // backdated: no session id stored
    };
    for (const s of SESSIONS) for (const [i, name] of s.names.entries()) await send(s.device, name, zonedTime(TZ, s.day, s.hour, i), i);
    for (const e of EDGES) await send(e.device, e.name, zonedTime(TZ, e.day, e.hour, e.minute), 0);
    await drainEvents(t);
  });

  it('after (the default mode, 5 steps): paths from the first screen_view, cut before a repeat, end nodes merged', async () => {
    // From screen_view: S1 [sv, atc, co, pu, session_end]; S2 [sv, search] (cut before the second sv);
    // S3 [sv, atc, co, session_end] (the two views in a row are one); S4 [sv, co, session_end]; S5 [sv, atc]
    // (cut before the second sv); S6 has none; S7 is outside the window.
    const body = await flow({ startEvent: SV });
    expect(body).toMatchObject({ mode: 'after', startEvent: SV, endEvent: null, node_count: 7, link_count: 8 });
    expect(shape(body)).toEqual({
      nodes: [
        [`${SV}::step1`, 5, 1],
        [`${ATC}::step2`, 3, 2], // S1, S3, S5
        [`${CO}::step2`, 1, 2], // S4
        [`${SE}::step2`, 1, 2], // S2
        [`${CO}::step3`, 2, 3], // S1, S3
        [`${PU}::step4`, 1, 4], // S1
        ['session_end::final', 3, 5], // S4 at step 3, S3 at 4, S1 at 5
      ],
      links: [
        `${SV}::step1 > ${ATC}::step2: 3`,
        `${SV}::step1 > ${CO}::step2: 1`,
        `${SV}::step1 > ${SE}::step2: 1`,
        `${ATC}::step2 > ${CO}::step3: 2`,
        `${CO}::step2 > session_end::final: 1`,
        `${CO}::step3 > ${PU}::step4: 1`,
        `${CO}::step3 > session_end::final: 1`,
        `${PU}::step4 > session_end::final: 1`,
      ],
    });
    expect(body.nodes.map((n: Row) => n.percentage)).toEqual([100, 60, 20, 20, 40, 20, 60]);
    expect(body.nodes.every((n: Row) => n.nodeColor === C0 && n.label === n.id.split('::')[0])).toBe(true);
  });
  it('steps cuts the paths: 3 steps', async () => {
    // S1 [sv, atc, co]; S2 [sv, search]; S3 [sv, atc, co]; S4 [sv, co, session_end]; S5 [sv, atc].
    const body = await flow({ startEvent: SV, steps: 3 });
    expect(shape(body)).toEqual({
      nodes: [
        [`${SV}::step1`, 5, 1],
        [`${ATC}::step2`, 3, 2],
        [`${CO}::step2`, 1, 2],
        [`${SE}::step2`, 1, 2],
        [`${CO}::step3`, 2, 3],
        ['session_end::step3', 1, 3], // one end node of that name: not merged
      ],
      links: [
        `${SV}::step1 > ${ATC}::step2: 3`,
        `${SV}::step1 > ${CO}::step2: 1`,
        `${SV}::step1 > ${SE}::step2: 1`,
        `${ATC}::step2 > ${CO}::step3: 2`,
        `${CO}::step2 > session_end::step3: 1`,
      ],
    });
    expect(body).toMatchObject({ node_count: 6, link_count: 5 });
  });

  it('before: up to steps names ending with the first startEvent, entry nodes coloured in turn', async () => {
    // Sessions with a checkout: S1 [.., sv, atc, co], S3 [.., sv, atc, co] (the views in a row are one), S4 [search, sv, co].
    const body = await flow({ startEvent: CO, mode: 'before', steps: 3 });
    expect(body).toMatchObject({ mode: 'before', startEvent: CO, endEvent: null });
    expect(shape(body)).toEqual({
      nodes: [
        [`${SV}::step1`, 2, 1],
        [`${SE}::step1`, 1, 1],
        [`${ATC}::step2`, 2, 2],
        [`${SV}::step2`, 1, 2],
        [`${CO}::step3`, 3, 3],
      ],
      links: [
        `${SV}::step1 > ${ATC}::step2: 2`,
        `${SE}::step1 > ${SV}::step2: 1`,
        `${ATC}::step2 > ${CO}::step3: 2`,
        `${SV}::step2 > ${CO}::step3: 1`,
      ],
    });
    expect(body.nodes.map((n: Row) => [n.nodeColor, n.percentage])).toEqual([
      [C0, 66.67],
      [C1, 33.33],
      [C0, 66.67],
      [C1, 33.33],
      [C0, 100],
    ]);
    // With 5 steps the paths reach back to session_start: S1 and S3 [ss, sv, atc, co], S4 [ss, search, sv, co].
    const longer = await flow({ startEvent: CO, mode: 'before' });
    expect(longer.nodes[0]).toMatchObject({ id: 'session_start::step1', value: 3, percentage: 100 });
  });

  it('between: the after path of the sessions that reach endEvent, up to it', async () => {
    // S1 [sv, atc, co, pu]; S5 would reach purchase only after a second screen_view, where its path stops.
    const body = await flow({ startEvent: SV, endEvent: PU, mode: 'between', steps: 10 });
    expect(body).toMatchObject({ mode: 'between', startEvent: SV, endEvent: PU, node_count: 4, link_count: 3 });
    expect(shape(body).links).toEqual([
      `${SV}::step1 > ${ATC}::step2: 1`,
      `${ATC}::step2 > ${CO}::step3: 1`,
      `${CO}::step3 > ${PU}::step4: 1`,
    ]);
    // Within 3 steps no session gets from screen_view to purchase; S1, S3 and S4 reach checkout.
    expect((await flow({ startEvent: SV, endEvent: PU, mode: 'between', steps: 3 })).nodes).toEqual([]);
    const toCheckout = await flow({ startEvent: SV, endEvent: CO, mode: 'between', steps: 3 });
    expect(shape(toCheckout)).toEqual({
      nodes: [
        [`${SV}::step1`, 3, 1],
        [`${ATC}::step2`, 2, 2],
        [`${CO}::final`, 3, 3], // S4 at step 2, S1 and S3 at step 3
      ],
      links: [`${SV}::step1 > ${ATC}::step2: 2`, `${SV}::step1 > ${CO}::final: 1`, `${ATC}::step2 > ${CO}::final: 2`],
    });
  });

  it('include keeps only the names given (and the start and end events); exclude leaves names out', async () => {
    // Names kept: checkout, screen_view. S1, S3, S4 [sv, co]; S2 and S5 [sv] alone are no path.
    const included = await flow({ startEvent: SV, include: [CO] });
    expect(shape(included)).toEqual({
      nodes: [
        [`${SV}::step1`, 3, 1],
        [`${CO}::step2`, 3, 2],
      ],
      links: [`${SV}::step1 > ${CO}::step2: 3`],
    });
    // The list forms: comma-separated and a JSON array give the same.
    expect(await flow({ startEvent: SV, include: `${CO},login` })).toEqual(included);
    expect(await flow({ startEvent: SV, include: JSON.stringify([CO]) })).toEqual(included);
    // Without add_to_cart and session_end: S1 [sv, co, pu]; S2 [sv, search]; S3, S4 [sv, co]; S5 [sv, pu].
    const excluded = await flow({ startEvent: SV, exclude: [ATC, 'session_end'] });
    expect(shape(excluded)).toEqual({
      nodes: [
        [`${SV}::step1`, 5, 1],
        [`${CO}::step2`, 3, 2],
        [`${SE}::step2`, 1, 2],
        [`${PU}::final`, 2, 3], // S5 at step 2, S1 at step 3
      ],
      links: [
        `${SV}::step1 > ${CO}::step2: 3`,
        `${SV}::step1 > ${PU}::final: 1`,
        `${SV}::step1 > ${SE}::step2: 1`,
        `${CO}::step2 > ${PU}::final: 1`,
      ],
    });
  });

  it('the window: by default the last 30 days (S7 counts), a named range, and nothing outside', async () => {
    const all = await get(`/insights/${p.id}/user_flow?${q({ startEvent: SV })}`);
    expect(all.json().nodes[0]).toMatchObject({ id: `${SV}::step1`, value: 6 });
    const week = await get(`/insights/${p.id}/user_flow?${q({ startEvent: SV, range: '7d' })}`);
    expect(week.json().nodes[0].value).toBe(6);
    const yesterday = await get(`/insights/${p.id}/user_flow?${q({ startEvent: 'login', range: 'yesterday' })}`);
    expect(shape(yesterday.json())).toEqual({
      nodes: [
        ['login::step1', 1, 1],
        ['session_end::step2', 1, 2],
      ],
      links: ['login::step1 > session_end::step2: 1'],
    });
    expect((await flow({ startEvent: SV, startDate: day(-20), endDate: day(-10) })).nodes).toEqual([]);
  });

  it('bad input is a 400 in the error shape, hostile text just matches nothing', async () => {
    const bad = async (params: Record<string, string | number | string[]>, path: string) => {
      const res = await get(`/insights/${p.id}/user_flow?${q({ ...window, ...params })}`);
      expect([path, res.statusCode]).toEqual([path, 400]);
      expect(res.json()).toMatchObject({ status: 400, error: 'Bad Request' });
      expect(JSON.stringify(res.json().details ?? res.json().message)).toContain(path);
    };
    await bad({ startEvent: SV, mode: 'between' }, 'endEvent');
    await bad({}, 'startEvent');
    await bad({ startEvent: SV, steps: 1 }, 'steps');
    await bad({ startEvent: SV, steps: 11 }, 'steps');
    await bad({ startEvent: SV, steps: 'five' }, 'steps');
    await bad({ startEvent: SV, mode: 'around' }, 'mode');
    await bad({ startEvent: SV, include: JSON.stringify(Array.from({ length: 101 }, (_, i) => `e${i}`)) }, 'include');
    await bad({ startEvent: SV, exclude: ['x'.repeat(256)] }, 'exclude');
    await bad({ startEvent: 'x'.repeat(256) }, 'startEvent');
    await bad({ startEvent: SV, startDate: 'yesterday-ish' }, 'startDate');
    for (const text of ["screen_view' OR 1=1 --", 'screen_view\\', '{startEvent:String}', ') UNION SELECT 1 --']) {
      const body = await flow({ startEvent: text, include: [text], exclude: [text] });
      expect([text, body.nodes, body.startEvent]).toEqual([text, [], text]);
    }
  });

  it('access: read clients of the project and root; another project 403, no credentials 401', async () => {
    const other = await createProject(t, { name: 'Flow other', timezone: TZ });
    expect((await get(`/insights/${other.id}/user_flow?startEvent=${SV}`)).statusCode).toBe(403);
    expect((await get(`/insights/${p.id}/user_flow?startEvent=${SV}`, p.writeClient)).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: `/insights/${p.id}/user_flow?startEvent=${SV}` })).statusCode).toBe(401);
    expect((await get(`/insights/nope/user_flow?startEvent=${SV}`, t.root)).statusCode).toBe(404);
    const asRoot = await get(`/insights/${p.id}/user_flow?${q({ ...window, startEvent: SV })}`, t.root);
    expect(asRoot.json().nodes[0].value).toBe(5);
  });
  it('a device whose earlier session lies wholly in the 30 minutes before the window keeps its path (that empty session was a 500)', async () => {
    const other = await createProject(t, { name: 'Insights flow margin', timezone: TZ });
    const events: [string, number, number, number][] = [
      ['margin_a', -4, 23, 40],
      ['margin_b', -3, 0, 20],
      ['margin_c', -3, 0, 21],
    ];
    for (const [name, d, hour, minute] of events) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/track',
        headers: { ...authHeaders(other.writeClient), 'x-client-ip': '8.8.8.8', 'user-agent': USER_AGENTS.chrome },
        payload: {
          type: 'track',
          payload: { name, properties: { __deviceId: 'flow-margin', __timestamp: new Date(zonedTime(TZ, d, hour, minute)).toISOString() } },
        },
      });
      expect(res.statusCode).toBe(200);
    }
    await drainEvents(t);
    const res = await get(`/insights/${other.id}/user_flow?${q({ startEvent: 'margin_b', startDate: day(-3), endDate: day(-3) })}`, t.root);
    expect(res.statusCode).toBe(200);
    expect(shape(res.json()).links).toEqual(['margin_b::step1 > margin_c::step2: 1', 'margin_c::step2 > session_end::step3: 1']);
  });

  it('a session across an edge of the window is cut where the builder cuts it, its outside events and marker left out', async () => {
    // d7 goes on past the end of day -2: no session_end in a window ending then, and late_c is outside.
    expect(shape(await flow({ startEvent: 'late_a', startDate: day(-3), endDate: day(-2) })).links).toEqual([
      'late_a::step1 > late_b::step2: 1',
    ]);
    expect(shape(await flow({ startEvent: 'late_a' })).links).toEqual([
      'late_a::step1 > late_b::step2: 1',
      'late_b::step2 > late_c::step3: 1',
      'late_c::step3 > session_end::step4: 1',
    ]);
    // d8 began before day -3: in a window from day -3 there is no session_start and early_a is outside, so no path.
    expect((await flow({ startEvent: 'early_b', mode: 'before' })).nodes).toEqual([]);
    expect(shape(await flow({ startEvent: 'early_b', mode: 'before', startDate: day(-4) })).links).toEqual([
      'session_start::step1 > early_a::step2: 1',
      'early_a::step2 > early_b::step3: 1',
    ]);
  });
  it('its sessions are those the session builder stores: as many start in the window as the overview counts', async () => {
    await t.app.get(SessionBuilder).runOnce({ lagMs: 0 });
    const overview = await get(`/insights/${p.id}/overview?${q(window)}`);
    expect(overview.json().summary.total_sessions).toBe(7); // S1 to S6 and d7's; d8's began on day -4
    const fromStart = await flow({ startEvent: 'session_start', steps: 2 });
    expect(fromStart.nodes[0]).toMatchObject({ id: 'session_start::step1', value: 7 });
  });
});
