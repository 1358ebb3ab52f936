import { buildCurrentSessionsSql } from '@app/analytics';
import { ClickhouseService } from '@app/clickhouse';
import { DataSource } from 'typeorm';
import { BUILDER_LOCK_KEY, SessionBuilder } from '../src/sessions';
import { createProject, type CreatedProject } from './setup/fixtures';
import { type Row, storedEvents, USER_AGENTS } from './setup/stores';
import { authHeaders, createTestApp, disposeEnv, drainEvents, useTestApp } from './setup/test-app';

const MIN = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const at = (ms: number) => new Date(ms).toISOString();
/** ClickHouse's DateTime64(3, 'UTC') text of an instant. */
const chTime = (ms: number) => at(ms).replace('T', ' ').slice(0, 23);
/** 64-bit integers as JSON numbers, whichever engine answers. */
const NUMBERS = { output_format_json_quote_64bit_integers: 0 } as const;

describe('sessions built from events sent through /track', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let ch: ClickhouseService;
  let builder: SessionBuilder;
  const now = Date.now();

  beforeAll(async () => {
    p = await createProject(t, { name: 'Sessions' });
    ch = t.app.get(ClickhouseService);
    builder = t.app.get(SessionBuilder);
  });

  const send = (ip: string, name: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/track',
      headers: { ...authHeaders(p.writeClient), 'user-agent': USER_AGENTS.chrome, 'x-client-ip': ip },
      payload: { type: 'track', payload: { name, properties, ...extra } },
    });

  /** Drains the writers, then builds: with the writers drained no insert is under way, so no settle lag is needed. */
  const build = async () => {
    await drainEvents(t);
    return builder.runOnce({ lagMs: 0 });
  };

  /** The collapsed sessions, read independently of the library: FINAL collapses the pairs. */
  const sessions = async (deviceId: string): Promise<Row[]> => {
    const rs = await ch.client.query({
      query: `SELECT * FROM ${ch.table('sessions')} FINAL WHERE project_id = {p:String} AND device_id = {d:String} AND sign = 1 ORDER BY created_at`,
      query_params: { p: p.id, d: deviceId },
      format: 'JSONEachRow',
      clickhouse_settings: NUMBERS,
    });
    return rs.json();
  };

  const VISIT_IP = '8.8.8.8';
  let visitor: { deviceId: string; sessionId: string };
  let visit: Row;

  it('a visit of three page views is one session under the id /track answered', async () => {
    const first = await send(VISIT_IP, 'screen_view', {
      __timestamp: at(now - 10 * MIN),
      __path: 'https://shop.example.com/?utm_source=news&utm_medium=email&utm_campaign=spring&utm_content=hero&utm_term=shoes',
      __referrer: 'https://www.google.com/search?q=shoes',
    });
    visitor = first.json();
    expect(visitor.sessionId).toMatch(UUID);
    for (const [offset, path, extra] of [
      [9, 'https://shop.example.com/pricing', {}],
      [8, 'https://shop.example.com/signup', { profileId: 'user-42' }],
    ] as const) {
      expect((await send(VISIT_IP, 'screen_view', { __timestamp: at(now - offset * MIN), __path: path }, extra)).json()).toEqual(visitor);
    }
    expect((await send(VISIT_IP, 'revenue', { __timestamp: at(now - 7.5 * MIN), __revenue: 1999 })).statusCode).toBe(200);
    expect((await send(VISIT_IP, 'signup', { __timestamp: at(now - 7 * MIN) })).statusCode).toBe(200);

    const summary = await build();
    expect(summary.rows).toBeGreaterThan(0);
    const [firstEvent] = await storedEvents(t, p.id, 'device_id = {d:String}', { d: visitor.deviceId });
    const rows = await sessions(visitor.deviceId);
    expect(rows).toHaveLength(1);
    visit = rows[0];
    expect(visit).toMatchObject({
      id: visitor.sessionId,
      project_id: p.id,
      device_id: visitor.deviceId,
      profile_id: 'user-42',
      created_at: chTime(now - 10 * MIN),
      ended_at: chTime(now - 7 * MIN),
      duration: 3 * MIN,
      screen_view_count: 3,
      // The revenue event and the signup.
      event_count: 2,
      is_bounce: 0,
      entry_origin: 'https://shop.example.com',
      entry_path: '/',
      exit_origin: 'https://shop.example.com',
      exit_path: '/signup',
      referrer: 'https://www.google.com/search?q=shoes',
      referrer_name: firstEvent.referrer_name,
      referrer_type: firstEvent.referrer_type,
      utm_source: 'news',
      utm_medium: 'email',
      utm_campaign: 'spring',
      utm_content: 'hero',
      utm_term: 'shoes',
      country: 'United States',
      country_code: 'US',
      region: firstEvent.region,
      city: 'Mountain View',
      longitude: firstEvent.longitude,
      latitude: firstEvent.latitude,
      os: 'Windows',
      os_version: firstEvent.os_version,
      browser: 'Chrome',
      browser_version: '124.0.0.0',
      device: 'desktop',
      brand: firstEvent.brand,
      model: firstEvent.model,
      revenue: 1999,
      version: 1,
    });
    // utm_source names the referrer, as on the event itself.
    expect(firstEvent.referrer_name).toBe('news');
    // The library's collapsed read agrees with FINAL.
    const stmt = buildCurrentSessionsSql(ch, {
      projectId: p.id,
      deviceIds: [visitor.deviceId],
      from: new Date(now - 3 * 24 * 60 * MIN),
      to: new Date(now),
    });
    const rs = await ch.client.query({ query: stmt.sql, query_params: stmt.params, format: 'JSONEachRow' });
    const { sign: _sign, ...state } = visit;
    expect(await rs.json()).toEqual([state]);
  });

  it('a backdated event two days earlier is a session of its own; the visit is left as it was', async () => {
    const res = await send(VISIT_IP, 'screen_view', { __timestamp: at(now - 2 * 24 * 60 * MIN), __path: 'https://shop.example.com/old' });
    // Older than 15 minutes: ingestion gives it no provisional session.
    expect(res.json()).toEqual({ deviceId: visitor.deviceId, sessionId: '' });
    await build();
    const rows = await sessions(visitor.deviceId);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      profile_id: visitor.deviceId,
      created_at: chTime(now - 2 * 24 * 60 * MIN),
      ended_at: chTime(now - 2 * 24 * 60 * MIN),
      duration: 0,
      screen_view_count: 1,
      event_count: 0,
      is_bounce: 1,
      entry_path: '/old',
      exit_path: '/old',
      revenue: 0,
      version: 1,
    });
    expect(rows[0].id).toMatch(UUID);
    expect(rows[0].id).not.toBe(visitor.sessionId);
    expect(rows[1]).toEqual(visit);
  });

  it('events 40 minutes apart are two sessions; a late event between them merges them under the earlier id', async () => {
    const ip = '81.2.69.142';
    const first = (await send(ip, 'screen_view', { __timestamp: at(now - 100 * MIN), __path: 'https://shop.example.com/a' })).json();
    await send(ip, 'screen_view', { __timestamp: at(now - 60 * MIN), __path: 'https://shop.example.com/c' });
    await build();
    const apart = await sessions(first.deviceId);
    expect(apart.map((s) => [s.created_at, s.ended_at, s.screen_view_count, s.is_bounce, s.version])).toEqual([
      [chTime(now - 100 * MIN), chTime(now - 100 * MIN), 1, 1, 1],
      [chTime(now - 60 * MIN), chTime(now - 60 * MIN), 1, 1, 1],
    ]);
    expect(apart[0].id).not.toBe(apart[1].id);

    await send(ip, 'screen_view', { __timestamp: at(now - 80 * MIN), __path: 'https://shop.example.com/b' });
    await build();
    const [firstEvent] = await storedEvents(t, p.id, 'device_id = {d:String}', { d: first.deviceId });
    const merged = await sessions(first.deviceId);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({
      id: apart[0].id,
      created_at: chTime(now - 100 * MIN),
      ended_at: chTime(now - 60 * MIN),
      duration: 40 * MIN,
      screen_view_count: 3,
      event_count: 0,
      is_bounce: 0,
      entry_path: '/a',
      exit_path: '/c',
      profile_id: first.deviceId,
      country: firstEvent.country,
      city: firstEvent.city,
      os: 'Windows',
      version: 2,
    });
    // Before the engine collapses them, the table holds each cancel row beside its pair.
    const rs = await ch.client.query({
      query: `SELECT id, version, sum(sign) AS net FROM ${ch.table('sessions')} WHERE project_id = {p:String} AND device_id = {d:String} GROUP BY id, version ORDER BY id, version`,
      query_params: { p: p.id, d: first.deviceId },
      format: 'JSONEachRow',
    });
    const net = (await rs.json<{ id: string; version: number | string; net: number | string }>()).map((r) => [
      r.id,
      Number(r.version),
      Number(r.net),
    ]);
    expect(net).toEqual(
      [
        [apart[0].id, 1, 0],
        [apart[0].id, 2, 1],
        [apart[1].id, 1, 0],
      ].sort(),
    );
  });

  it('a server event of a profile on the site joins its live session without changing it; others open none', async () => {
    const fromServer = (profileId: string) =>
      t.app.inject({
        method: 'POST',
        url: '/track',
        headers: { ...authHeaders(p.writeClient), 'user-agent': 'node-fetch/1.0', 'x-client-ip': '10.1.2.3' },
        payload: { type: 'track', payload: { name: 'purchase', profileId, properties: { __timestamp: at(now - 2 * MIN) } } },
      });
    const browser = (
      await send(
        '89.160.20.140',
        'screen_view',
        { __timestamp: at(now - 5 * MIN), __path: 'https://shop.example.com/x' },
        { profileId: 'user-77' },
      )
    ).json();
    expect((await fromServer('user-77')).json()).toEqual(browser);
    const lone = (await fromServer('user-78')).json();
    expect(lone.sessionId).toBe('');
    await build();
    const rows = await sessions(browser.deviceId);
    expect(rows).toHaveLength(1);
    // Attributed to the visit, not part of it: the session keeps its one view and its end.
    expect(rows[0]).toMatchObject({ id: browser.sessionId, screen_view_count: 1, event_count: 0, ended_at: chTime(now - 5 * MIN) });
    expect(await sessions(lone.deviceId)).toEqual([]);
    const purchases = await storedEvents(t, p.id, "name = 'purchase'");
    expect(purchases.map((e) => [e.profile_id, e.device_id, e.session_id]).sort()).toEqual([
      ['user-77', browser.deviceId, browser.sessionId],
      ['user-78', lone.deviceId, ''],
    ]);
  });

  it('building again finds nothing to do and changes nothing; the checkpoint is stored', async () => {
    const before = await sessions(visitor.deviceId);
    expect(await build()).toEqual({ markers: 0, batches: 0, rows: 0 });
    expect(await sessions(visitor.deviceId)).toEqual(before);
    const rs = await ch.client.query({
      query: `SELECT DISTINCT name FROM ${ch.table('session_checkpoint')} ORDER BY name`,
      format: 'JSONEachRow',
    });
    // The markers' progress, and the history build the app ran at start (on an empty table).
    expect(await rs.json()).toEqual([{ name: 'history' }, { name: 'sessions' }]);
  });

  it('every marker processed a second time (checkpoint lost) writes nothing', async () => {
    const before = [...(await sessions(visitor.deviceId))];
    await ch.client.command({ query: `TRUNCATE TABLE ${ch.table('session_checkpoint')}` });
    const again = await build();
    expect(again.markers).toBeGreaterThan(0);
    expect(again.rows).toBe(0);
    expect(await sessions(visitor.deviceId)).toEqual(before);
  });

  // PGlite serves every connection from one backend session, where an advisory lock is
  // re-entrant: the embedded default is one node, so the lock is tested on the server pass.
  const onServer = process.env.DATABASE_URL ? it : it.skip;
  onServer('of several nodes, one builds at a time: while another holds the lock a run skips, and the next one builds', async () => {
    const other = t.app.get(DataSource).createQueryRunner();
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [BUILDER_LOCK_KEY]);
      const ip = '81.2.69.150';
      const sent = (await send(ip, 'screen_view', { __timestamp: at(now - 3 * MIN), __path: 'https://shop.example.com/locked' })).json();
      await drainEvents(t);
      expect(await builder.runOnce({ lagMs: 0 })).toEqual({ skipped: true, markers: 0, batches: 0, rows: 0 });
      expect(await sessions(sent.deviceId)).toEqual([]);
      await other.query('SELECT pg_advisory_unlock($1)', [BUILDER_LOCK_KEY]);
      expect((await build()).markers).toBeGreaterThan(0);
      expect((await sessions(sent.deviceId)).map((r) => r.entry_path)).toEqual(['/locked']);
    } finally {
      await other.release();
    }
  });

  it('events without markers (stored before migration 0005) get their sessions from the history build, once', async () => {
    const q = await createProject(t, { name: 'History' });
    const sendTo = (ip: string, ms: number, path: string) =>
      t.app.inject({
        method: 'POST',
        url: '/track',
        headers: { ...authHeaders(q.writeClient), 'user-agent': USER_AGENTS.safari, 'x-client-ip': ip },
        payload: {
          type: 'track',
          payload: { name: 'screen_view', properties: { __timestamp: at(ms), __path: `https://h.example.com${path}` } },
        },
      });
    for (const [ip, offset, path] of [
      ['81.2.69.160', 300, '/a'],
      ['81.2.69.160', 290, '/b'],
      ['81.2.69.160', 200, '/c'],
      ['89.160.20.128', 250, '/d'],
    ] as const)
      expect((await sendTo(ip, now - offset * MIN, path)).statusCode).toBe(200);
    await build();
    const all = async () => {
      const rs = await ch.client.query({
        query: `SELECT * EXCEPT (version) FROM ${ch.table('sessions')} FINAL WHERE project_id = {p:String} AND sign = 1 ORDER BY created_at`,
        query_params: { p: q.id },
        format: 'JSONEachRow',
        clickhouse_settings: NUMBERS,
      });
      return rs.json<Row>();
    };
    const rowCount = async () => {
      const rs = await ch.client.query({
        query: `SELECT count() AS n FROM ${ch.table('sessions')} WHERE project_id = {p:String}`,
        query_params: { p: q.id },
        format: 'JSONEachRow',
      });
      return Number((await rs.json<{ n: string | number }>())[0].n);
    };
    const built = await all();
    expect(built.map((r) => [r.entry_path, r.exit_path, r.screen_view_count])).toEqual([
      ['/a', '/b', 2],
      ['/d', '/d', 1],
      ['/c', '/c', 1],
    ]);
    // As an install upgraded from before sessions: events stored, none of their sessions.
    await ch.client.command({
      query: `DELETE FROM ${ch.table('sessions')} WHERE project_id = {p:String}`,
      query_params: { p: q.id },
    });
    expect(await all()).toEqual([]);

    const first = await builder.buildHistory();
    expect(first.projects).toBeGreaterThanOrEqual(2);
    expect(await all()).toEqual(built);
    const rows = await rowCount();
    expect(rows).toBe(3);
    // Again (a start after a crash before the checkpoint): nothing is written twice.
    const second = await builder.buildHistory();
    expect(second.rows).toBe(0);
    expect(await rowCount()).toBe(rows);
    expect(await all()).toEqual(built);
  });
});

describe('the history build and the markers it has read', () => {
  it('moves the markers checkpoint to where the build began: the next run does not read those markers again', async () => {
    const t = await createTestApp({ SESSION_BUILD_INTERVAL_MS: '0' });
    try {
      const builder = t.app.get(SessionBuilder);
      const ch = t.app.get(ClickhouseService);
      const hourAgo = new Date(Date.now() - 3_600_000).toISOString().replace('T', ' ').slice(0, 23);
      // A marker of an insert that committed long before the history build (a bulk-loaded install).
      await ch.client.insert({
        table: ch.table('session_dirty'),
        values: [{ project_id: 'bulk', device_id: 'd1', first_at: hourAgo, last_at: hourAgo, inserted_at: hourAgo }],
        format: 'JSONEachRow',
      });
      const first = await builder.runOnce({ lagMs: 0 });
      expect(first.markers).toBe(0);
      const second = await builder.runOnce({ lagMs: 0 });
      expect(second.markers).toBe(0);
    } finally {
      await t.close();
      await disposeEnv(t.env);
    }
  });
});
