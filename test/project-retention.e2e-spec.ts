import { ClickhouseService } from '@app/clickhouse';
import { ProjectRetentionService } from '../src/manage/projects/project-retention.service';
import { DataSource } from 'typeorm';
import { BUILDER_LOCK_KEY, SessionBuilder } from '../src/sessions';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { type Row, storedEvents, USER_AGENTS } from './setup/stores';
import { authHeaders, type Credentials, drainEvents, SERVER_DATABASE_URL, useTestApp } from './setup/test-app';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const RETENTION = 30;

/**
 * Visits, relative to the time the test starts (`now`); the retention under test is 30 days.
 * OLD: a session 40 days ago (two views). STRADDLE: one session across the cutoff, 10 minutes
 * each side of it. RECENT: a session two days ago and one 5 minutes ago.
 */
const visits = (now: number) => [
  { ip: '8.8.8.8', ua: USER_AGENTS.chrome, at: [now - 40 * DAY, now - 40 * DAY + 5 * MIN], path: '/old' },
  { ip: '81.2.69.142', ua: USER_AGENTS.safari, at: [now - RETENTION * DAY - 10 * MIN, now - RETENTION * DAY + 10 * MIN], path: '/edge' },
  { ip: '89.160.20.112', ua: USER_AGENTS.iphone, at: [now - 2 * DAY], path: '/recent' },
  { ip: '2.125.160.216', ua: USER_AGENTS.chrome, at: [now - 5 * MIN], path: '/now' },
];

describe('Retention per project (retentionDays)', () => {
  // No timer: every pass of this file is the PATCH's or one it runs itself.
  const t = useTestApp({ MANAGE_RATE_LIMIT: '10000', EXPORT_RATE_LIMIT: '10000', RETENTION_INTERVAL_MS: '0' });
  const now = Date.now();
  let kept: CreatedProject;
  let limited: CreatedProject;
  let readers: Map<string, Credentials>;

  const manage = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: authHeaders(t.root), ...(payload ? { payload } : {}) });
  const q = (params: Record<string, unknown>) =>
    new URLSearchParams(
      Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    ).toString();
  const ok = async (p: CreatedProject, url: string) => {
    const res = await t.app.inject({ method: 'GET', url, headers: authHeaders(readers.get(p.id)!) });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const send = (p: CreatedProject, ip: string, ua: string, at: number, path: string) =>
    t.app.inject({
      method: 'POST',
      url: '/track',
      headers: { ...authHeaders(p.writeClient), 'user-agent': ua, 'x-client-ip': ip },
      payload: {
        type: 'track',
        payload: { name: 'screen_view', properties: { __timestamp: new Date(at).toISOString(), __path: `https://example.com${path}` } },
      },
    });
  const build = async () => {
    await drainEvents(t);
    await t.app.get(SessionBuilder).runOnce({ lagMs: 0 });
  };
  const retention = () => t.app.get(ProjectRetentionService);

  /** A window around every visit, as dates (the projects are in UTC). */
  const window = {
    startDate: new Date(now - 60 * DAY).toISOString().slice(0, 10),
    endDate: new Date(now + DAY).toISOString().slice(0, 10),
  };
  const exported = async (p: CreatedProject, extra: Record<string, unknown> = {}) =>
    (await ok(p, `/export/events?${q({ projectId: p.id, start: window.startDate, end: window.endDate, limit: '1000', ...extra })}`))
      .data as Row[];
  const paths = async (p: CreatedProject) => (await exported(p)).map((e) => e.path).sort();
  const viewsCharted = async (p: CreatedProject) =>
    (await ok(p, `/export/charts?${q({ projectId: p.id, ...window, interval: 'day', events: [{ name: 'screen_view' }] })}`)).metrics.sum;
  const sessionsListed = async (p: CreatedProject) =>
    ((await ok(p, `/insights/${p.id}/sessions?${q({ ...window, limit: 100 })}`)) as Row[])
      .map((s) => [s.entry_path, s.screen_view_count, s.created_at.slice(0, 19)])
      .sort();
  const totalSessions = async (p: CreatedProject) => (await ok(p, `/insights/${p.id}/overview?${q(window)}`)).summary.total_sessions;
  /** Rows stored in ClickHouse before `cutoff`, whatever a read path shows. */
  const storedBefore = async (p: CreatedProject, cutoff: number) => {
    const ch = t.app.get(ClickhouseService);
    const params = { project: p.id, cutoff: new Date(cutoff).toISOString().replace('T', ' ').slice(0, 23) };
    const count = async (table: string, column: string) => {
      const rs = await ch.client.query({
        query: `SELECT count() AS n FROM ${ch.table(table)} WHERE project_id = {project:String} AND ${column} < {cutoff:DateTime64(3, 'UTC')}`,
        query_params: params,
        format: 'JSONEachRow',
      });
      return Number((await rs.json<{ n: string }>())[0].n);
    };
    return {
      events: await count('events', 'created_at'),
      sessions: await count('sessions', 'ended_at'),
      markers: await count('session_dirty', 'last_at'),
    };
  };
  const at = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

  beforeAll(async () => {
    kept = await createProject(t, { name: 'Kept forever' });
    limited = await createProject(t, { name: 'Thirty days' });
    readers = new Map();
    for (const p of [kept, limited]) {
      readers.set(p.id, await createClient(t, { name: 'reader', mode: 'read', projectId: p.id }));
      for (const v of visits(now)) for (const ms of v.at) expect((await send(p, v.ip, v.ua, ms, v.path)).statusCode).toBe(200);
    }
    await build();
  });

  it('without retentionDays every event is kept: backdated events are stored and read', async () => {
    const res = await manage('GET', `/manage/projects/${limited.id}`);
    expect(res.json().data.retentionDays).toBeNull();
    for (const p of [kept, limited]) {
      expect(await paths(p)).toEqual(['/edge', '/edge', '/now', '/old', '/old', '/recent']);
      expect(await viewsCharted(p)).toBe(6);
      expect(await totalSessions(p)).toBe(4);
    }
    const cutoff = now - RETENTION * DAY;
    expect(await sessionsListed(limited)).toEqual(
      [
        ['/edge', 2, at(cutoff - 10 * MIN)],
        ['/now', 1, at(now - 5 * MIN)],
        ['/old', 2, at(now - 40 * DAY)],
        ['/recent', 1, at(now - 2 * DAY)],
      ].sort(),
    );
    // Nothing to do for a project without retention.
    expect(await retention().runDue()).toEqual([]);
  });

  it('setting retentionDays deletes older events, their sessions and markers from storage and every read path, at once', async () => {
    const res = await manage('PATCH', `/manage/projects/${limited.id}`, { retentionDays: RETENTION });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.retentionDays).toBe(RETENTION);
    // The pass the PATCH started (in the background): wait for it, then let the builder
    // recompute the session that straddles the cutoff from the events that remain.
    await retention().idle();
    await build();
    const cutoff = now - RETENTION * DAY;

    expect(await storedBefore(limited, cutoff)).toEqual({ events: 0, sessions: 0, markers: 0 });
    expect(await paths(limited)).toEqual(['/edge', '/now', '/recent']);
    expect(await viewsCharted(limited)).toBe(3);
    expect(await totalSessions(limited)).toBe(3);
    // The straddling session now starts at its first remaining event, with one event.
    expect(await sessionsListed(limited)).toEqual(
      [
        ['/edge', 1, at(cutoff + 10 * MIN)],
        ['/now', 1, at(now - 5 * MIN)],
        ['/recent', 1, at(now - 2 * DAY)],
      ].sort(),
    );
    const starts = await exported(limited, { event: 'session_start' });
    expect(starts.map((e) => e.path).sort()).toEqual(['/edge', '/now', '/recent']);

    // The other project is untouched.
    expect(await storedBefore(kept, cutoff)).toMatchObject({ events: 3 });
    expect(await paths(kept)).toEqual(['/edge', '/edge', '/now', '/old', '/old', '/recent']);
    expect(await viewsCharted(kept)).toBe(6);
    expect(await totalSessions(kept)).toBe(4);

    // A second pass finds nothing left to delete.
    const again = await retention().runDue();
    expect(again).toEqual([expect.objectContaining({ projectId: limited.id, events: 0, sessions: 0 })]);
  });

  it('an event sent later with a time past the retention is accepted, then removed by the next pass', async () => {
    const res = await send(limited, '8.8.4.4', USER_AGENTS.safari, now - 90 * DAY, '/backdated');
    expect(res.statusCode).toBe(200);
    await build();
    expect((await storedEvents(t, limited.id)).map((e) => e.path)).toContain('/backdated');
    const [result] = (await retention().runDue())!;
    expect(result).toMatchObject({ projectId: limited.id, events: 1, sessions: 1 });
    expect((await storedEvents(t, limited.id)).map((e) => e.path)).not.toContain('/backdated');
    expect(await paths(limited)).toEqual(['/edge', '/now', '/recent']);
  });

  it('retentionDays: null keeps events forever again: the pass no longer removes anything', async () => {
    const res = await manage('PATCH', `/manage/projects/${limited.id}`, { retentionDays: null });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.retentionDays).toBeNull();
    expect((await send(limited, '8.8.4.4', USER_AGENTS.safari, now - 50 * DAY, '/kept')).statusCode).toBe(200);
    await build();
    expect(await retention().runDue()).toEqual([]);
    expect(await paths(limited)).toEqual(['/edge', '/kept', '/now', '/recent']);
    // Omitting the field on an update keeps the value.
    await manage('PATCH', `/manage/projects/${limited.id}`, { retentionDays: 400 });
    const renamed = await manage('PATCH', `/manage/projects/${limited.id}`, { name: 'Renamed' });
    expect(renamed.json().data.retentionDays).toBe(400);
  });

  it('a pass pauses the session builder (this node and, through its lock, the others) while it deletes', async () => {
    const builder = t.app.get(SessionBuilder);
    const order: string[] = [];
    const paused = builder.whilePaused(async () => {
      // Another node's builder would try the same lock on its own connection, and skip its turn.
      if (SERVER_DATABASE_URL) {
        const [row] = await t.app.get(DataSource).query('SELECT pg_try_advisory_lock($1) AS locked', [BUILDER_LOCK_KEY]);
        expect(row.locked).toBe(false);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      order.push('pass');
    });
    const run = builder.runOnce({ lagMs: 0 }).then(() => order.push('build'));
    await Promise.all([paused, run]);
    expect(order).toEqual(['pass', 'build']);
  });

  it('create takes retentionDays; absent or null is forever', async () => {
    const created = await manage('POST', '/manage/projects', { name: 'Created with retention', retentionDays: 90 });
    expect(created.statusCode).toBe(201);
    expect(created.json().data.retentionDays).toBe(90);
    const shown = await manage('GET', `/manage/projects/${created.json().data.id}`);
    expect(shown.json().data.retentionDays).toBe(90);
    const forever = await manage('POST', '/manage/projects', { name: 'Created forever', retentionDays: null });
    expect(forever.json().data.retentionDays).toBeNull();
    expect((await manage('POST', '/manage/projects', { name: 'Created plain' })).json().data.retentionDays).toBeNull();
  });

  it.each<[string, unknown]>([
    ['zero', 0],
    ['negative', -5],
    ['a fraction', 1.5],
    ['a string', '30'],
    ['a boolean', true],
    ['over a hundred years', 36_501],
  ])('retentionDays %s is a 400 on create and update', async (_title, value) => {
    for (const res of [
      await manage('POST', '/manage/projects', { name: 'Bad retention', retentionDays: value }),
      await manage('PATCH', `/manage/projects/${kept.id}`, { retentionDays: value }),
    ]) {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, error: 'Bad Request', message: 'Invalid request body' });
      expect(res.json().details.map((d: { path: unknown }) => d.path)).toContainEqual(['retentionDays']);
    }
    expect((await manage('GET', `/manage/projects/${kept.id}`)).json().data.retentionDays).toBeNull();
  });
});
