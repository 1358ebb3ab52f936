import { HOSTILE } from '../libs/analytics/test/hostile';
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
});
