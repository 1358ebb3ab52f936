import { ClickhouseService } from '@app/clickhouse';
import { toClickhouseDateTime } from '@app/common';
import { HOSTILE } from '../libs/analytics/test/hostile';
import { SessionBuilder } from '../src/sessions';
import { zonedDay, zonedTime } from './setup/calendar';
import { type Row, USER_AGENTS } from './setup/stores';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { authHeaders, type Credentials, drainEvents, useTestApp } from './setup/test-app';

/**
 * The Export API's contract apart from the figures: validation with `details` paths, access,
 * the OpenAPI document, engine errors mapped to 400s, and hostile input that must give a 400
 * or an exact (usually empty) answer, never a 500 and never another project's rows.
 */
describe('Export API: validation, access, safety', () => {
  const t = useTestApp({ EXPORT_RATE_LIMIT: '100000' });
  let a: CreatedProject;
  let b: CreatedProject;
  let readA: Credentials;

  const get = (url: string, as: Credentials = t.root, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { ...authHeaders(as), ...headers } });
  const q = (params: Record<string, unknown>) =>
    new URLSearchParams(
      Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    ).toString();
  const track = (p: CreatedProject, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/track', headers: authHeaders(p.writeClient), payload: { type: 'track', payload } });

  /** Every hostile string lives in project B (as names, keys and values), and a few in A. */
  const HOSTILE_KEY = "it's {k:String}";
  beforeAll(async () => {
    a = await createProject(t, { name: 'Alpha' });
    b = await createProject(t, { name: 'Beta' });
    readA = await createClient(t, { name: 'reader', mode: 'read', projectId: a.id });
    for (let i = 0; i < 6; i++) {
      const res = await track(a, {
        name: i % 2 ? 'click' : 'screen_view',
        properties: { plan: i < 3 ? 'pro' : 'free', total: i * 10, [HOSTILE_KEY]: "v') OR 1=1 --" },
      });
      expect(res.statusCode).toBe(200);
    }
    for (const h of HOSTILE.slice(0, -1)) {
      expect((await track(b, { name: h.slice(0, 80), properties: { [h]: h, plan: h } })).statusCode).toBe(200);
    }
    await drainEvents(t);
  });

  describe('validation', () => {
    it.each<[string, Record<string, unknown>, (string | number)[]]>([
      ['events missing', {}, ['events']],
      ['events not JSON', { events: '[{name:' }, ['events']],
      ['event without name', { events: [{ segment: 'user' }] }, ['events', 0, 'name']],
      ['unknown segment', { events: [{ name: 'a', segment: 'users' }] }, ['events', 0, 'segment']],
      [
        'unknown operator',
        { events: [{ name: 'a', filters: [{ name: 'country', operator: 'like', value: ['x'] }] }] },
        ['events', 0, 'filters', 0, 'operator'],
      ],
      [
        'filter value not a list',
        { events: [{ name: 'a', filters: [{ name: 'country', operator: 'is', value: 'x' }] }] },
        ['events', 0, 'filters', 0, 'value'],
      ],
      [
        'unknown filter field',
        { events: [{ name: 'a', filters: [{ name: 'password', operator: 'is', value: ['x'] }] }] },
        ['events', 0, 'filters', 0, 'name'],
      ],
      ['property segment without property', { events: [{ name: 'a', segment: 'property_sum' }] }, ['events', 0, 'property']],
      ['unknown breakdown', { events: [{ name: 'a' }], breakdowns: [{ name: 'secret' }] }, ['breakdowns', 0, 'name']],
      ['unknown interval', { events: [{ name: 'a' }], interval: 'year' }, ['interval']],
      ['unknown range', { events: [{ name: 'a' }], range: '2w' }, ['range']],
      ['startDate alone', { events: [{ name: 'a' }], startDate: '2024-04-01' }, ['endDate']],
      ['bad date', { events: [{ name: 'a' }], startDate: '2024-02-30', endDate: '2024-03-01' }, ['startDate']],
      ['minutes over a year', { events: [{ name: 'a' }], interval: 'minute', range: '12m' }, ['interval']],
      ['previous not boolean', { events: [{ name: 'a' }], previous: 'maybe' }, ['previous']],
      [
        'regex too long',
        { events: [{ name: 'a', filters: [{ name: 'path', operator: 'regex', value: ['a'.repeat(1001)] }] }] },
        ['events', 0, 'filters', 0, 'value', 0],
      ],
      [
        'comparison with text',
        { events: [{ name: 'a', filters: [{ name: 'duration', operator: 'gt', value: ['ten'] }] }] },
        ['events', 0, 'filters', 0, 'value', 0],
      ],
    ])('charts: %s → 400 at its path', async (_title, params, path) => {
      const res = await get(`/export/charts?${q({ projectId: a.id, ...params })}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, error: 'Bad Request' });
      expect(res.json().details.map((d: { path: unknown }) => d.path)).toContainEqual(path);
    });

    it.each<[string, Record<string, unknown>, (string | number)[]]>([
      ['limit over 1000', { limit: '1001' }, ['limit']],
      ['limit not a number', { limit: 'ten' }, ['limit']],
      ['page 0', { page: '0' }, ['page']],
      ['unknown include', { includes: 'profile,secrets' }, ['includes']],
      ['bad start', { start: 'yesterday' }, ['start']],
      ['end before start', { start: '2024-04-02', end: '2024-04-01' }, ['end']],
      ['forged cursor', { cursor: 'eyJoYWNrIjoxfQ' }, ['cursor']],
      ['filters not JSON', { filters: 'country=x' }, ['filters']],
      ['filter on unknown field', { filters: [{ name: 'secret', operator: 'is', value: ['x'] }] }, ['filters', 0, 'name']],
      ['unknown format', { format: 'xml' }, ['format']],
    ])('events: %s → 400 at its path', async (_title, params, path) => {
      const res = await get(`/export/events?${q({ projectId: a.id, ...params })}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().details.map((d: { path: unknown }) => d.path)).toContainEqual(path);
    });
  });

  it('`series` is an alias of `events`, and project_id of projectId', async () => {
    const events = [{ name: 'click', filters: [{ name: 'properties.plan', operator: 'is', value: ['pro'] }] }];
    const a1 = await get(`/export/charts?${q({ projectId: a.id, events, range: 'today', interval: 'hour' })}`);
    const a2 = await get(`/export/charts?${q({ project_id: a.id, series: events, range: 'today', interval: 'hour' })}`);
    expect(a1.statusCode).toBe(200);
    expect(a1.json().metrics.sum).toBe(1);
    expect(a2.json()).toEqual(a1.json());
  });

  it('JSON objects also come one per repeated value (what Swagger UI and generated clients send), arrays among them concatenated', async () => {
    const click = { name: 'click', filters: [{ name: 'properties.plan', operator: 'is', value: ['pro'] }] };
    const views = { name: 'screen_view' };
    const whole = await get(`/export/charts?${q({ projectId: a.id, events: [click, views], range: 'today', interval: 'hour' })}`);
    expect(whole.statusCode).toBe(200);
    const repeated = new URLSearchParams([
      ['projectId', a.id],
      ['events', JSON.stringify(click)],
      ['events', JSON.stringify([views])],
      ['range', 'today'],
      ['interval', 'hour'],
    ]);
    const split = await get(`/export/charts?${repeated}`);
    expect(split.statusCode).toBe(200);
    expect(split.json()).toEqual(whole.json());
    expect(split.json().series.map((x: { names: string[]; metrics: { sum: number } }) => [x.names[0], x.metrics.sum])).toEqual([
      ['click', 1],
      ['screen_view', 3],
    ]);
    const one = await get(
      `/export/charts?${new URLSearchParams([
        ['projectId', a.id],
        ['events', JSON.stringify(views)],
        ['range', 'today'],
        ['interval', 'hour'],
      ])}`,
    );
    expect(one.json().metrics.sum).toBe(3);

    const filtered = await get(
      `/export/events?${new URLSearchParams([
        ['projectId', a.id],
        ['filters', '{"name":"properties.plan","operator":"is","value":["pro"]}'],
        ['filters', '{"name":"name","operator":"is","value":["click"]}'],
      ])}`,
    );
    expect(filtered.json().meta.totalCount).toBe(1);
    const broken = await get(
      `/export/charts?${new URLSearchParams([
        ['projectId', a.id],
        ['events', JSON.stringify(views)],
        ['events', '{name:'],
      ])}`,
    );
    expect(broken.statusCode).toBe(400);
    expect(broken.json().details.map((d: { path: unknown }) => d.path)).toContainEqual(['events', 1]);
  });

  describe('access', () => {
    it('a read client sees its own project without naming it, and no other', async () => {
      const own = await get('/export/events', readA);
      expect(own.statusCode).toBe(200);
      expect(own.json().meta.totalCount).toBe(6);
      const other = await get(`/export/charts?${q({ projectId: b.id, events: [{ name: '*' }] })}`, readA);
      expect(other.statusCode).toBe(403);
      expect(other.json().message).toBe('You do not have access to this project');
      expect((await get(`/export/events?projectId=${b.id}`, readA)).statusCode).toBe(403);
    });

    it('an unknown project is a 404 and a write client is refused', async () => {
      const res = await get(`/export/charts?${q({ projectId: 'nope', events: [{ name: '*' }] })}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().message).toBe('Project not found');
      expect((await get(`/export/events?project_id=${a.id}`, a.writeClient)).statusCode).toBe(401);
      expect((await get(`/export/events?project_id=${a.id}`)).json().meta.totalCount).toBe(6);
    });
  });

  describe('engine errors become 400s', () => {
    it('a pattern RE2 cannot compile points at that pattern', async () => {
      const events = [{ name: '*', filters: [{ name: 'path', operator: 'regex', value: ['^ok$', '(unclosed'] }] }];
      const res = await get(`/export/charts?${q({ projectId: a.id, events })}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        message: 'Invalid regular expression (RE2 syntax expected)',
        details: [{ path: ['events', 0, 'filters', 0, 'value', 1] }],
      });
      const list = await get(`/export/events?${q({ projectId: a.id, filters: [{ name: 'name', operator: 'regex', value: ['a{2,1}'] }] })}`);
      expect(list.statusCode).toBe(400);
      expect(list.json().details).toEqual([{ path: ['filters', 0, 'value', 0], message: 'Not a valid RE2 pattern' }]);
    });

    it('a pattern with backtracking traps runs in linear time under RE2', async () => {
      const events = [{ name: '*', filters: [{ name: 'properties.plan', operator: 'regex', value: ['^(a+)+$'] }] }];
      const res = await get(`/export/charts?${q({ projectId: a.id, events })}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().metrics.sum).toBe(0);
    });
  });

  describe('hostile input', () => {
    const placements = (h: string): [string, string][] => [
      ['event name', `/export/charts?${q({ projectId: a.id, events: [{ name: h }] })}`],
      [
        'property filter name',
        `/export/charts?${q({ projectId: a.id, events: [{ name: '*', filters: [{ name: `properties.${h}`, operator: 'isNotNull', value: [] }] }] })}`,
      ],
      [
        'filter value',
        `/export/charts?${q({ projectId: a.id, events: [{ name: '*', filters: [{ name: 'properties.plan', operator: 'is', value: [h] }] }] })}`,
      ],
      [
        'contains value',
        `/export/charts?${q({ projectId: a.id, events: [{ name: '*', filters: [{ name: 'name', operator: 'contains', value: [h] }] }] })}`,
      ],
      [
        'regex value',
        `/export/charts?${q({ projectId: a.id, events: [{ name: '*', filters: [{ name: 'name', operator: 'regex', value: [h] }] }] })}`,
      ],
      ['breakdown name', `/export/charts?${q({ projectId: a.id, events: [{ name: '*' }], breakdowns: [{ name: h }] })}`],
      [
        'breakdown property',
        `/export/charts?${q({ projectId: a.id, events: [{ name: '*' }], breakdowns: [{ name: `properties.${h}` }] })}`,
      ],
      [
        'summed property',
        `/export/charts?${q({ projectId: a.id, events: [{ name: '*', segment: 'property_sum', property: `properties.${h}` }] })}`,
      ],
      ['projectId', `/export/charts?${q({ projectId: h, events: [{ name: '*' }] })}`],
      ['listed event', `/export/events?${q({ projectId: a.id, event: h })}`],
      ['listed profile', `/export/events?${q({ projectId: a.id, profileId: h })}`],
      ['listed filter', `/export/events?${q({ projectId: a.id, filters: [{ name: `properties.${h}`, operator: 'is', value: [h] }] })}`],
    ];

    it.each(HOSTILE.map((h) => [JSON.stringify(h.slice(0, 24)), h]))(
      '%s: a 400 or an empty answer, never B’s rows, never a 500',
      async (_label, h) => {
        for (const [where, url] of placements(h)) {
          const res = await get(url);
          const expected = where === 'projectId' ? [400, 404] : [200, 400];
          expect({ where, allowed: expected.includes(res.statusCode), body: res.statusCode >= 500 ? res.body : '' }).toEqual({
            where,
            allowed: true,
            body: '',
          });
          if (res.statusCode !== 200) continue;
          expect(res.body).not.toContain(b.id);
          const body = res.json();
          if (url.startsWith('/export/events')) expect({ where, total: body.meta.totalCount }).toEqual({ where, total: 0 });
          // A breakdown by a key nobody has groups everything under "": the 6 events of A.
          else if (where === 'breakdown property') expect(body.series.map((s: { names: string[] }) => s.names)).toEqual([['*', '']]);
          else expect({ where, sum: body.metrics.sum }).toEqual({ where, sum: 0 });
        }
      },
    );

    it('a hostile key and value stored in A match exactly, through every placement', async () => {
      const filter = { name: `properties.${HOSTILE_KEY}`, operator: 'is', value: ["v') OR 1=1 --"] };
      const chart = await get(
        `/export/charts?${q({ projectId: a.id, events: [{ name: '*', filters: [filter] }], breakdowns: [{ name: `properties.${HOSTILE_KEY}` }] })}`,
      );
      expect(chart.statusCode).toBe(200);
      expect(chart.json().series.map((s: { names: string[]; metrics: { sum: number } }) => [s.names, s.metrics.sum])).toEqual([
        [['*', "v') OR 1=1 --"], 6],
      ]);
      const list = await get(`/export/events?${q({ projectId: a.id, filters: [filter] })}`);
      expect(list.json().meta.totalCount).toBe(6);
      expect(list.json().data[0].properties[HOSTILE_KEY]).toBe("v') OR 1=1 --");
    });
  });

  describe('OpenAPI', () => {
    it('documents both routes with JSON query parameters as arrays of objects, and enum schemas', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/docs-json' })).json();
      const charts = doc.paths['/export/charts'].get;
      const events = doc.paths['/export/events'].get;
      expect(charts.operationId).toBe('exportCharts');
      expect(events.operationId).toBe('exportEvents');
      const param = (op: { parameters: { name: string }[] }, name: string) =>
        op.parameters.find((p) => p.name === name) as unknown as { content?: unknown; schema: Schema };
      // Arrays of objects, one JSON object per repeated value (form, explode): see ApiJsonArrayQuery.
      for (const [op, name, item] of [
        [charts, 'events', 'ChartEventDto'],
        [charts, 'series', 'ChartEventDto'],
        [charts, 'breakdowns', 'ChartBreakdownDto'],
        [events, 'filters', 'ChartFilterDto'],
      ]) {
        expect(param(op, name)).toMatchObject({
          style: 'form',
          explode: true,
          schema: { type: 'array', items: { $ref: `#/components/schemas/${item}` } },
        });
        expect(param(op, name).content).toBeUndefined();
      }
      for (const op of [charts, events]) {
        const names = op.parameters.map((p: { name: string }) => p.name);
        expect(names).toEqual([...new Set(names)]);
      }
      const schemas = doc.components.schemas;
      type Schema = { $ref?: string; allOf?: Schema[]; enum?: unknown[] };
      const deref = (schema: Schema): Schema =>
        schema.$ref ? schemas[schema.$ref.split('/').pop()!] : schema.allOf ? deref(schema.allOf[0]) : schema;
      const enumOf = (schema: Schema) => deref(schema).enum;
      expect(enumOf(schemas.ChartEventDto.properties.segment)).toContain('one_event_per_user');
      expect(enumOf(schemas.ChartFilterDto.properties.operator)).toEqual(expect.arrayContaining(['regex', 'isNotNull', 'gte']));
      expect(enumOf(param(charts, 'interval').schema)).toEqual(['minute', 'hour', 'day', 'week', 'month']);
      expect(enumOf(param(charts, 'range').schema)).toContain('lastYear');
      for (const op of [charts, events]) {
        expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '403', '404', '429']);
        expect(op.responses['400'].content['application/json'].schema.$ref).toBe('#/components/schemas/ErrorResponseDto');
      }
      // Typed as the JSON page for generated clients; the streams are named in the description.
      expect(Object.keys(events.responses['200'].content)).toEqual(['application/json']);
      expect(events.responses['200'].description).toMatch(/application\/x-ndjson.*text\/csv/);
    });
  });

  describe('session_start and session_end, answered from the sessions', () => {
    const MIN = 60_000;
    const at = (offset: number, hour: number, minute = 0) => zonedTime('UTC', offset, hour, minute);
    const iso = (ms: number) => new Date(ms).toISOString();
    let c: CreatedProject;
    /**
     * S1 (chrome, day -2): /a from a newsletter, /b, /c: 5 minutes. S2 (safari, day -2): /x at
     * 10:05, a bounce ending with S1, so the two tie on created_at. S3 (safari, day -1): /y, /z, 10 minutes.
     */
    const visits = [
      {
        ip: '8.8.8.8',
        ua: USER_AGENTS.chrome,
        views: [
          [at(-2, 10), '/a?utm_source=news'],
          [at(-2, 10, 2), '/b'],
          [at(-2, 10, 5), '/c'],
        ],
      },
      {
        ip: '81.2.69.142',
        ua: USER_AGENTS.safari,
        views: [
          [at(-2, 10, 5), '/x'],
          [at(-1, 9), '/y'],
          [at(-1, 9, 10), '/z'],
        ],
      },
    ] as const;
    const list = async (params: Record<string, unknown>) => {
      const res = await get(`/export/events?${q({ projectId: c.id, limit: '100', ...params })}`);
      if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
      return res.json() as { meta: Row; data: Row[] };
    };
    const brief = (e: Row) => [e.name, e.createdAt, e.path, e.duration, e.properties.__bounce];

    beforeAll(async () => {
      c = await createProject(t, { name: 'Sessions', timezone: 'UTC' });
      const devices: string[] = [];
      for (const v of visits) {
        for (const [ms, path] of v.views) {
          const res = await t.app.inject({
            method: 'POST',
            url: '/track',
            headers: { ...authHeaders(c.writeClient), 'user-agent': v.ua, 'x-client-ip': v.ip },
            payload: {
              type: 'track',
              payload: { name: 'screen_view', properties: { __timestamp: iso(ms), __path: `https://shop.example.com${path}` } },
            },
          });
          expect(res.statusCode).toBe(200);
          devices.push(res.json().deviceId);
        }
      }
      // /track refuses the reserved names; a stored one (as an import could hold) is written directly, inside S1.
      const ch = t.app.get(ClickhouseService);
      await ch.client.insert({
        table: ch.table('events'),
        format: 'JSONEachRow',
        values: [
          {
            id: '00000000-0000-4000-8000-000000000001',
            name: 'session_start',
            project_id: c.id,
            device_id: devices[0],
            path: '/stored',
            created_at: toClickhouseDateTime(new Date(at(-2, 10, 1))),
          },
        ],
      });
      await drainEvents(t);
      await t.app.get(SessionBuilder).runOnce({ lagMs: 0 });
    });

    it('one session_start per session at its first event, one session_end at its last, with duration and __bounce', async () => {
      const starts = await list({ event: 'session_start' });
      expect(starts.meta.totalCount).toBe(3);
      expect(starts.data.map(brief)).toEqual([
        ['session_start', iso(at(-1, 9)), '/y', 0, undefined],
        ['session_start', iso(at(-2, 10, 5)), '/x', 0, undefined],
        ['session_start', iso(at(-2, 10)), '/a', 0, undefined],
      ]);
      expect(starts.data[2].properties).toEqual({ '__query.utm_source': 'news' });
      expect(starts.data[2]).toMatchObject({ origin: 'https://shop.example.com', browser: 'Chrome', projectId: c.id, importedAt: null });
      const ends = await list({ event: 'session_end' });
      expect(ends.meta.totalCount).toBe(3);
      const tied = ends.data.slice(1).sort((x, y) => x.path.localeCompare(y.path));
      expect([brief(ends.data[0]), ...tied.map(brief)]).toEqual([
        ['session_end', iso(at(-1, 9, 10)), '/z', 10 * MIN, 'false'],
        ['session_end', iso(at(-2, 10, 5)), '/c', 5 * MIN, 'false'],
        ['session_end', iso(at(-2, 10, 5)), '/x', 0, 'true'],
      ]);
      // The tie on created_at is broken by id, descending, as for stored events.
      expect(ends.data[1].id > ends.data[2].id).toBe(true);
      // Each session's start and end carry its id, and are two events with ids of their own.
      const bySession = (rows: Row[]) => Object.fromEntries(rows.map((e) => [e.sessionId, e.id]));
      expect(Object.keys(bySession(ends.data)).sort()).toEqual(Object.keys(bySession(starts.data)).sort());
      expect(new Set([...starts.data, ...ends.data].map((e) => e.id)).size).toBe(6);
    });

    it('pages and cursors walk them in order, mixed with stored events, and the other filters apply', async () => {
      const both = await list({ event: ['session_start', 'session_end'] });
      expect(both.meta.totalCount).toBe(6);
      const walked: Row[] = [];
      let cursor: string | undefined;
      do {
        const page = await list({ event: ['session_start', 'session_end'], limit: '2', ...(cursor ? { cursor } : {}) });
        expect(page.meta.totalCount).toBe(6);
        walked.push(...page.data);
        cursor = page.meta.cursor ?? undefined;
      } while (cursor);
      expect(walked.map((e) => e.id)).toEqual(both.data.map((e) => e.id));
      const second = await list({ event: 'session_start,session_end', limit: '2', page: '2' });
      expect(second.data.map((e) => e.id)).toEqual(both.data.slice(2, 4).map((e) => e.id));

      const mixed = await list({ event: ['screen_view', 'session_start'] });
      expect(mixed.meta.totalCount).toBe(9);
      expect(mixed.data.filter((e) => e.name === 'session_start').map((e) => e.path)).toEqual(['/y', '/x', '/a']);
      const times = mixed.data.map((e) => e.createdAt);
      expect(times).toEqual([...times].sort().reverse());

      const bounces = await list({ event: 'session_end', filters: [{ name: 'properties.__bounce', operator: 'is', value: ['true'] }] });
      expect(bounces.data.map((e) => e.path)).toEqual(['/x']);
      const lastDay = await list({ event: ['session_end', 'screen_view'], start: zonedDay('UTC', -1), end: zonedDay('UTC', -1) });
      // S3's session_end and its last view share their instant: the id decides, as between stored events.
      const [tieA, tieB] = lastDay.data;
      expect([tieA.createdAt === tieB.createdAt, tieA.id > tieB.id]).toEqual([true, true]);
      const named = lastDay.data.map((e) => [e.name, e.path]);
      expect([named.slice(0, 2).sort(), named.slice(2)]).toEqual([
        [
          ['screen_view', '/z'],
          ['session_end', '/z'],
        ],
        [['screen_view', '/y']],
      ]);
      const withMeta = await list({ event: 'session_start', includes: 'profile,meta' });
      expect(withMeta.data.map((e) => [e.profile, e.meta])).toEqual([
        [null, null],
        [null, null],
        [null, null],
      ]);
      const stream = await get(`/export/events?${q({ projectId: c.id, event: ['session_start', 'session_end'], format: 'ndjson' })}`);
      expect(stream.statusCode).toBe(200);
      expect(
        stream.body
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).id),
      ).toEqual(both.data.map((e) => e.id));
    });

    it('a stored event under a reserved name is listed only by a listing that names none', async () => {
      const all = await list({});
      expect(all.meta.totalCount).toBe(7);
      expect(all.data.filter((e) => e.name === 'session_start').map((e) => e.path)).toEqual(['/stored']);
      expect((await list({ event: 'session_start' })).data.map((e) => e.path)).not.toContain('/stored');
      const chart = await get(`/export/charts?${q({ projectId: c.id, range: '30d', events: [{ name: 'session_start' }] })}`);
      expect(chart.json().metrics.sum).toBe(3);
    });

    it('hostile names and values beside a reserved name match nothing more, never 500', async () => {
      for (const h of HOSTILE) {
        const res = await get(`/export/events?${q({ projectId: c.id, event: [h, 'session_end'] })}`);
        expect([h, res.statusCode === 400 || res.json().meta.totalCount === 3]).toEqual([h, true]);
        const filtered = await get(
          `/export/events?${q({ projectId: c.id, event: 'session_end', filters: [{ name: `properties.${h}`, operator: 'is', value: [h] }] })}`,
        );
        expect([h, filtered.statusCode === 400 || filtered.json().meta.totalCount === 0]).toEqual([h, true]);
      }
    });
  });
});
