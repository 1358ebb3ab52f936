import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ProjectRetentionService } from '../src/manage/projects/project-retention.service';
import { SessionBuilder } from '../src/sessions';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { type Row, storedEvents, storedProfile, USER_AGENTS } from './setup/stores';
import { authHeaders, type Credentials, drainEvents, useTestApp } from './setup/test-app';

const DAY = 24 * 60 * 60 * 1000;
const ago = (ms: number) => new Date(Date.now() - ms);

describe('POST /import/events: historical events through the ingestion stages', () => {
  const t = useTestApp();
  let a: CreatedProject;
  let b: CreatedProject;

  beforeAll(async () => {
    a = await createProject(t, { name: 'Import A' });
    b = await createProject(t, { name: 'Import B' });
  });

  const post = (as: Credentials, body: string | Buffer | unknown[], query = '', headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/import/events${query}`,
      headers: {
        ...authHeaders(as),
        'content-type': typeof body === 'string' || Buffer.isBuffer(body) ? 'application/x-ndjson' : 'application/json',
        ...headers,
      },
      payload: body as string,
    });
  const ndjson = (rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');
  const exportNdjson = async (projectId: string, query = '') => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/export/events?projectId=${projectId}&format=ndjson&${query}`,
      headers: authHeaders(t.root),
    });
    expect(res.statusCode).toBe(200);
    return res.body
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Row);
  };

  it('stores camelCase rows as given, refuses bad rows by position, skips session events, creates profiles', async () => {
    const id = randomUUID();
    const at = ago(40 * DAY);
    const res = await post(a.writeClient, [
      {
        id,
        name: 'purchase',
        createdAt: at.toISOString(),
        deviceId: 'dev-1',
        profileId: 'alice',
        sessionId: 'sess-1',
        properties: { plan: 'pro', 'cart.items': '3' },
        path: '/checkout',
        origin: 'https://shop.example.com',
        referrer: 'https://www.google.com/',
        country: 'SE',
        city: 'Stockholm',
        os: 'iOS',
        browser: 'Mobile Safari',
        device: 'mobile',
        revenue: 1999,
        groups: ['acme'],
        projectId: 'someone-elses',
      },
      { name: 'no time' },
      { name: 'bad revenue', createdAt: at.toISOString(), revenue: -1 },
      { name: 'session_start', createdAt: at.toISOString() },
      'not an object',
      { name: 'future', createdAt: new Date(Date.now() + 3 * DAY).toISOString() },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      skipped: 1,
      rejectedCount: 4,
      profilesCreated: 1,
      rejected: [
        { index: 1, error: 'createdAt: is required' },
        { index: 2, error: 'revenue: must be a non-negative integer' },
        { index: 4, error: 'a row must be a JSON object' },
        { index: 5, error: 'createdAt: is more than a day in the future' },
      ],
    });
    const [row] = await storedEvents(t, a.id, 'id = {id:UUID}', { id });
    expect(row).toMatchObject({
      name: 'purchase',
      project_id: a.id,
      device_id: 'dev-1',
      profile_id: 'alice',
      session_id: 'sess-1',
      path: '/checkout',
      origin: 'https://shop.example.com',
      referrer_name: 'Google',
      referrer_type: 'search',
      country: 'SE',
      city: 'Stockholm',
      os: 'iOS',
      revenue: 1999,
      groups: ['acme'],
      properties: { plan: 'pro', 'cart.items': '3' },
    });
    expect(new Date(`${row.created_at}Z`).getTime()).toBe(at.getTime());
    expect(row.imported_at).not.toBeNull();
    expect(await storedProfile(t, a.id, 'alice')).toMatchObject({ id: 'alice', is_external: true });
  });

  it('streams NDJSON: bad JSON lines keep their index, blank lines do not count, gzip is read', async () => {
    const at = ago(20 * DAY).toISOString();
    const body = ndjson([
      { name: 'one', createdAt: at, deviceId: 'd' },
      '{"name": broken',
      '',
      '   ',
      { name: 'two', createdAt: at, deviceId: 'd' },
    ]);
    const res = await post(a.writeClient, body);
    expect(res.json()).toMatchObject({ accepted: 2, rejected: [{ index: 1, error: 'not valid JSON' }] });
    const gz = await post(a.writeClient, gzipSync(ndjson([{ name: 'zipped', createdAt: at, deviceId: 'd' }])), '', {
      'content-encoding': 'gzip',
    });
    expect(gz.json()).toMatchObject({ accepted: 1, rejectedCount: 0 });
    expect(await storedEvents(t, a.id, "name IN ('one', 'two', 'zipped')")).toHaveLength(3);
    const overlong = await post(
      a.writeClient,
      ndjson([
        { name: 'x', createdAt: at, properties: { big: 'y'.repeat(1024 * 1024) } },
        { name: 'ok', createdAt: at },
      ]),
    );
    expect(overlong.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, error: 'the row is longer than 1048576 bytes' }] });
  });

  it('stores a row sent under an alias under the profile the alias points to', async () => {
    const alias = await t.app.inject({
      method: 'POST',
      url: '/track',
      headers: authHeaders(a.writeClient),
      payload: { type: 'alias', payload: { profileId: 'crm-7', alias: 'legacy-7' } },
    });
    expect(alias.statusCode).toBe(200);
    const res = await post(a.writeClient, [
      { name: 'aliased', createdAt: ago(3 * DAY).toISOString(), deviceId: 'dv', profileId: 'legacy-7' },
    ]);
    expect(res.json()).toMatchObject({ accepted: 1 });
    expect((await storedEvents(t, a.id, "name = 'aliased'")).map((r) => r.profile_id)).toEqual(['crm-7']);
  });

  it('stores nothing twice when the same rows are imported again, with or without ids', async () => {
    const at = ago(10 * DAY).getTime();
    const rows = [
      { id: randomUUID(), name: 'again', createdAt: at, deviceId: 'r' },
      { id: 'external-42', name: 'again', createdAt: at + 1, deviceId: 'r' },
      { name: 'again', createdAt: at + 2, deviceId: 'r', properties: { n: '1' } },
      { name: 'again', createdAt: at + 2, deviceId: 'r', properties: { n: '1' } },
    ];
    expect((await post(a.writeClient, ndjson(rows))).json()).toMatchObject({ accepted: 4, duplicates: 1 });
    expect((await post(a.writeClient, rows)).json()).toMatchObject({ accepted: 4, duplicates: 4 });
    expect(await storedEvents(t, a.id, "name = 'again'")).toHaveLength(3);
    const audit = await t.app.inject({
      method: 'GET',
      url: `/manage/audit?projectId=${a.id}&action=import.run`,
      headers: authHeaders(t.root),
    });
    expect(audit.json().data.length).toBeGreaterThanOrEqual(2);
    expect(audit.json().data[0]).toMatchObject({ action: 'import.run', clientId: a.writeClient.id, projectId: a.id, changes: ['events'] });
  });

  it("reads OpenPanel's ClickHouse rows: snake_case, zoneless times, quoted integers, nested properties; fills geo, device and referrer", async () => {
    const res = await post(
      t.root,
      [
        {
          id: randomUUID(),
          name: 'screen_view',
          device_id: 'op-device',
          profile_id: 'op-device',
          created_at: '2025-06-01 10:00:00.250',
          path: 'https://docs.example.com/guide?utm_source=newsletter#intro',
          referrer: 'https://news.ycombinator.com/item?id=1',
          duration: 1500,
          properties: { nested: { deep: 1 }, flag: true },
          ip: '8.8.8.8',
          user_agent: USER_AGENTS.chrome,
          sdk_name: 'web',
          imported_at: null,
        },
      ],
      `?projectId=${b.id}`,
    );
    expect(res.json()).toMatchObject({ accepted: 1, rejectedCount: 0, profilesCreated: 0 });
    const [row] = await storedEvents(t, b.id, "name = 'screen_view'");
    expect(row).toMatchObject({
      device_id: 'op-device',
      profile_id: 'op-device',
      created_at: '2025-06-01 10:00:00.250',
      path: '/guide',
      origin: 'https://docs.example.com',
      duration: 1500,
      referrer_name: 'Hacker News',
      country_code: 'US',
      browser: 'Chrome',
      os: 'Windows',
      sdk_name: 'web',
      properties: { 'nested.deep': '1', flag: 'true', '__query.utm_source': 'newsletter', __hash: '#intro' },
    });
    expect(await storedProfile(t, b.id, 'op-device')).toBeUndefined();
  });

  it('round trip: what project A exports as NDJSON, imported into project C, exports again the same', async () => {
    const c = await createProject(t, { name: 'Import C' });
    const src = await createProject(t, { name: 'Import source' });
    for (const [i, ua] of [USER_AGENTS.chrome, USER_AGENTS.iphone].entries()) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/track',
        headers: { ...authHeaders(src.writeClient), 'user-agent': ua, 'x-client-ip': '8.8.8.8' },
        payload: {
          type: 'track',
          payload: {
            name: `visit_${i}`,
            profileId: `user-${i}`,
            groups: ['g1'],
            properties: { __path: `https://site.example.com/p${i}?q=${i}`, __referrer: 'https://www.google.com/', k: { v: i } },
          },
        },
      });
      expect(res.statusCode).toBe(200);
    }
    await drainEvents(t);
    const exported = await exportNdjson(src.id);
    expect(exported).toHaveLength(2);
    const res = await post(t.root, exported.map((e) => JSON.stringify(e)).join('\n'), `?projectId=${c.id}`);
    expect(res.json()).toMatchObject({ accepted: 2, rejectedCount: 0, profilesCreated: 2 });
    const again = await exportNdjson(c.id);
    const strip = (e: Row) => {
      const { projectId: _p, importedAt: _i, ...rest } = e;
      return rest;
    };
    expect(again.map(strip)).toEqual(exported.map(strip));
    expect(again.every((e) => e.importedAt !== null)).toBe(true);
  });

  it('gives imported visits their sessions by event time', async () => {
    const d = await createProject(t, { name: 'Import sessions' });
    const start = ago(5 * DAY).getTime();
    const rows = [
      { name: 'screen_view', createdAt: start, deviceId: 'v1', path: '/a', origin: 'https://x.example' },
      { name: 'screen_view', createdAt: start + 5 * 60_000, deviceId: 'v1', path: '/b', origin: 'https://x.example' },
      // 40 minutes later: a second session of the same device.
      { name: 'screen_view', createdAt: start + 45 * 60_000, deviceId: 'v1', path: '/c', origin: 'https://x.example' },
      { name: 'screen_view', createdAt: start, deviceId: 'v2', path: '/a', origin: 'https://x.example' },
    ];
    expect((await post(t.root, rows, `?projectId=${d.id}`)).json()).toMatchObject({ accepted: 4 });
    await t.app.get(SessionBuilder).runOnce({ lagMs: 0 });
    const from = new Date(start - DAY).toISOString().slice(0, 10);
    const to = new Date(start + DAY).toISOString().slice(0, 10);
    const res = await t.app.inject({
      method: 'GET',
      url: `/insights/${d.id}/overview?startDate=${from}&endDate=${to}`,
      headers: authHeaders(t.root),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().summary).toMatchObject({ total_sessions: 3, unique_visitors: 2, total_screen_views: 4 });
  });

  it("a project's retentionDays removes imported rows older than it, and keeps the rest", async () => {
    const r = await createProject(t, { name: 'Import retention', retentionDays: 30 });
    const rows = [60, 45, 10, 1].map((days) => ({
      name: 'kept_or_not',
      createdAt: ago(days * DAY).toISOString(),
      deviceId: 'r1',
      path: `/d${days}`,
    }));
    expect((await post(t.root, rows, `?projectId=${r.id}`)).json()).toMatchObject({ accepted: 4 });
    const retention = t.app.get(ProjectRetentionService);
    await retention.idle();
    await retention.runDue();
    expect((await exportNdjson(r.id)).map((e) => e.path).sort()).toEqual(['/d1', '/d10']);
  });

  describe('who may import', () => {
    it('refuses read clients, write clients without their secret, and other projects', async () => {
      const read = await createClient(t, { name: 'reader', mode: 'read', projectId: a.id });
      const row = [{ name: 'x', createdAt: Date.now() - DAY }];
      const refused = await post(read, row);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ status: 401, message: 'Import: Read clients cannot import events' });
      const noSecret = await t.app.inject({
        method: 'POST',
        url: '/import/events',
        headers: { 'openpanel-client-id': a.writeClient.id, 'content-type': 'application/json', origin: 'https://shop.example.com' },
        payload: row,
      });
      expect(noSecret.statusCode).toBe(401);
      expect((await post(a.writeClient, row, `?projectId=${b.id}`)).statusCode).toBe(403);
      expect((await post(t.root, row)).statusCode).toBe(400);
      expect((await post(t.root, row, '?projectId=nope')).statusCode).toBe(404);
    });

    it('answers a body that is not an array 400, other media types 415, and NDJSON elsewhere 415', async () => {
      const obj = await t.app.inject({
        method: 'POST',
        url: '/import/events',
        headers: { ...authHeaders(a.writeClient), 'content-type': 'application/json' },
        payload: { name: 'x' },
      });
      expect(obj.statusCode).toBe(400);
      expect(obj.json().message).toMatch(/JSON array/);
      const text = await post(a.writeClient, 'x', '', { 'content-type': 'text/plain' });
      expect(text.statusCode).toBe(415);
      const elsewhere = await t.app.inject({
        method: 'POST',
        url: '/track',
        headers: { ...authHeaders(a.writeClient), 'content-type': 'application/x-ndjson' },
        payload: '{"type":"track"}',
      });
      expect(elsewhere.statusCode).toBe(415);
      expect(elsewhere.json()).toMatchObject({ status: 415 });
      const br = await post(a.writeClient, 'x', '', { 'content-encoding': 'br' });
      expect(br.statusCode).toBe(400);
    });
  });
});
