import { SessionBuilder } from '../src/sessions';
import { ClickhouseService } from '@app/clickhouse';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { type Row, storedEvents, storedProfile, USER_AGENTS } from './setup/stores';
import { authHeaders, type Credentials, disposeEnv, drainEvents, freshEnv, startApp, type TestApp, useTestApp } from './setup/test-app';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.now();
const T = Math.floor(NOW / MIN) * MIN;
const SHOP = 'https://shop.example.com';

/** A device: the events sent from it share a device id (ip + user agent). */
interface Device {
  ip: string;
  ua: string;
}
const ERASED_DEVICE: Device = { ip: '8.8.8.8', ua: USER_AGENTS.chrome };
const KEPT_DEVICE: Device = { ip: '81.2.69.142', ua: USER_AGENTS.safari };
const ANON_DEVICE: Device = { ip: '89.160.20.112', ua: USER_AGENTS.iphone };

const day = (offset: number) => new Date(T + offset * DAY).toISOString().slice(0, 10);

async function waitDone(t: TestApp, id: string, timeoutMs = 60_000): Promise<Row> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.app.inject({ method: 'GET', url: `/manage/erasures/${id}`, headers: authHeaders(t.root) });
    expect(res.statusCode).toBe(200);
    const job = res.json().data;
    if (job.status === 'done') return job;
    if (Date.now() > until) throw new Error(`erasure ${id} not done: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function tracker(t: TestApp, p: () => CreatedProject) {
  const track = async (type: string, payload: object, device: Device = ERASED_DEVICE) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/track',
      headers: { ...authHeaders(p().writeClient), 'user-agent': device.ua, 'x-client-ip': device.ip },
      payload: { type, payload },
    });
    expect(res.statusCode).toBe(200);
  };
  const view = (profileId: string | undefined, at: number, device: Device, path = '/') =>
    track(
      'track',
      {
        name: 'screen_view',
        ...(profileId ? { profileId } : {}),
        properties: { __timestamp: new Date(at).toISOString(), __path: `${SHOP}${path}` },
      },
      device,
    );
  return { track, view };
}

describe('Manage: erasures', () => {
  const t = useTestApp({
    ERASURE_SECOND_PASS_MS: '0',
    SESSION_BUILD_INTERVAL_MS: '0',
    MANAGE_RATE_LIMIT: '10000',
    EXPORT_RATE_LIMIT: '10000',
    INSIGHTS_RATE_LIMIT: '10000',
  });
  let p: CreatedProject;
  let reader: Credentials;
  let writer: Credentials;
  const { track, view } = tracker(t, () => p);
  const get = (url: string, as: Credentials = t.root) => t.app.inject({ method: 'GET', url, headers: authHeaders(as) });
  const ok = async (url: string, as?: Credentials) => {
    const res = await get(url, as);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const post = (payload: object, as: Credentials = t.root) =>
    t.app.inject({ method: 'POST', url: '/manage/erasures', headers: authHeaders(as), payload });
  const build = async () => {
    await drainEvents(t);
    await t.app.get(SessionBuilder).runOnce({ lagMs: 0 });
  };
  const exported = async (query = ''): Promise<Row[]> => (await ok(`/export/events?projectId=${p.id}&limit=1000${query}`)).data;
  const ndjson = async (): Promise<Row[]> => {
    const res = await get(`/export/events?projectId=${p.id}&format=ndjson`);
    expect(res.statusCode).toBe(200);
    return res.body
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Row);
  };
  const window = `startDate=${day(-3)}&endDate=${day(0)}`;
  const chartTotal = async () => {
    const body = await ok(
      `/export/charts?projectId=${p.id}&events=${encodeURIComponent(JSON.stringify([{ name: 'screen_view' }]))}&startDate=${day(-3)}&endDate=${day(0)}&interval=day`,
    );
    return body.series[0].metrics.sum as number;
  };

  /**
   * user-erased: two views as `anon-e` two days ago (then made its alias), identified, a member
   * of acme, three views today, and made an alias of crm-42 (the person as an alias of another id).
   * user-kept: identified, a member of acme, three views today on another device. An anonymous
   * device: two views yesterday.
   */
  beforeAll(async () => {
    p = await createProject(t, { name: 'Erasures', timezone: 'UTC' });
    reader = await createClient(t, { name: 'erasures reader', mode: 'read', projectId: p.id });
    writer = p.writeClient;
    await view('anon-e', T - 2 * DAY, ERASED_DEVICE);
    await view('anon-e', T - 2 * DAY + MIN, ERASED_DEVICE, '/pricing');
    await drainEvents(t);
    await track('identify', { profileId: 'user-erased', firstName: 'Erased', email: 'erased@example.com' });
    await track('identify', { profileId: 'user-kept', firstName: 'Kept', email: 'kept@example.com' }, KEPT_DEVICE);
    await track('alias', { profileId: 'user-erased', alias: 'anon-e' });
    await track('group', { id: 'acme', type: 'company', name: 'Acme' });
    await track('assign_group', { profileId: 'user-erased', groupIds: ['acme'] });
    await track('assign_group', { profileId: 'user-kept', groupIds: ['acme'] }, KEPT_DEVICE);
    for (let i = 0; i < 3; i++) await view('user-erased', T - HOUR + i * MIN, ERASED_DEVICE, `/e${i}`);
    for (let i = 0; i < 3; i++) await view('user-kept', T - HOUR + i * MIN, KEPT_DEVICE, `/k${i}`);
    await view(undefined, T - DAY, ANON_DEVICE);
    await view(undefined, T - DAY + MIN, ANON_DEVICE, '/about');
    await drainEvents(t);
    await track('alias', { profileId: 'crm-42', alias: 'user-erased' });
    await build();
  });

  it('before: the person has events, sessions, a profile and a group membership (the fixture is what the test erases)', async () => {
    expect(await exported('&profileId=user-erased')).toHaveLength(5);
    expect(await ok(`/insights/${p.id}/profiles/user-erased/sessions`)).toHaveLength(2);
    expect(await storedProfile(t, p.id, 'user-erased')).toBeDefined();
    expect(await chartTotal()).toBe(10);
  });

  it('erases the person, its aliases, memberships, events and sessions from every read path; others untouched', async () => {
    const keptBefore = (await exported()).filter((e) => !['user-erased', 'anon-e'].includes(e.profileId));
    const keptSessionsBefore = await ok(`/insights/${p.id}/profiles/user-kept/sessions`);
    expect(keptSessionsBefore).toHaveLength(1);
    const allSessionsBefore: Row[] = await ok(`/insights/${p.id}/sessions?${window}`);

    const res = await post({ projectId: p.id, profileId: 'user-erased' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ data: { id: expect.any(String), status: 'pending' } });
    const audit = await ok(`/manage/audit?projectId=${p.id}&action=erasure.request`);
    expect(audit).toMatchObject({
      data: [{ action: 'erasure.request', targetType: 'erasure', targetId: res.json().data.id, changes: ['profileId'] }],
    });
    expect(JSON.stringify(audit)).not.toContain('user-erased');
    const job = await waitDone(t, res.json().data.id);
    expect(job).toMatchObject({
      projectId: p.id,
      profileId: 'user-erased',
      status: 'done',
      attempts: 1,
      lastError: null,
      requestedBy: t.root.id,
      counts: { events: 5, sessions: 2, aliases: 2, groupMemberships: 1, profiles: 1 },
    });
    expect(job.finishedAt).not.toBeNull();

    // A builder run after the erasure does not bring the sessions back.
    await build();

    // Export, in pages and as a stream.
    const after = await exported();
    expect(after.filter((e) => ['user-erased', 'anon-e'].includes(e.profileId))).toEqual([]);
    expect(after.map((e) => e.id).sort()).toEqual(keptBefore.map((e) => e.id).sort());
    expect(await exported('&profileId=user-erased')).toEqual([]);
    expect(await exported('&profileId=user-kept')).toHaveLength(3);
    const streamed = await ndjson();
    expect(streamed.map((e) => e.id).sort()).toEqual(keptBefore.map((e) => e.id).sort());
    // Charts count the others' views only.
    expect(await chartTotal()).toBe(5);

    // Insights: profiles, sessions, events, groups.
    const profiles: Row[] = await ok(`/insights/${p.id}/profiles`);
    expect(profiles.map((r) => r.id)).not.toContain('user-erased');
    expect(profiles.map((r) => r.id)).toContain('user-kept');
    expect(await ok(`/insights/${p.id}/profiles/user-erased/sessions`)).toEqual([]);
    expect(await ok(`/insights/${p.id}/profiles/anon-e/sessions`)).toEqual([]);
    expect(await ok(`/insights/${p.id}/profiles/user-erased/metrics`)).toMatchObject({ totalEvents: 0, sessions: 0 });
    expect(await ok(`/insights/${p.id}/profiles/user-kept/sessions`)).toEqual(keptSessionsBefore);
    const sessionsAfter: Row[] = await ok(`/insights/${p.id}/sessions?${window}`);
    expect(sessionsAfter.map((s) => s.profile_id)).not.toContain('user-erased');
    expect(sessionsAfter.map((s) => s.profile_id)).not.toContain('anon-e');
    expect(sessionsAfter).toEqual(allSessionsBefore.filter((s) => !['user-erased', 'anon-e'].includes(s.profile_id)));
    expect(sessionsAfter).toHaveLength(2); // user-kept's and the anonymous device's
    const events: Row[] = await ok(`/insights/${p.id}/events?${window}&limit=100`);
    expect(events.map((e) => e.profile_id)).not.toContain('user-erased');
    expect(events.map((e) => e.profile_id)).not.toContain('anon-e');
    expect(events).toHaveLength(5);
    const acme = await ok(`/insights/${p.id}/groups/acme`);
    expect(acme.members.map((m: Row) => m.id)).toEqual(['user-kept']);

    // The stores themselves: PostgreSQL profile gone, the other one kept; ClickHouse mirror gone.
    expect(await storedProfile(t, p.id, 'user-erased')).toBeUndefined();
    expect(await storedProfile(t, p.id, 'user-kept')).toBeDefined();
    expect(await storedEvents(t, p.id, 'profile_id IN {ids:Array(String)}', { ids: ['user-erased', 'anon-e'] })).toEqual([]);
  });

  it('an alias of the erased person maps onto nothing any more, and the person is no alias of another', async () => {
    await view('anon-e', T - 10 * MIN, ERASED_DEVICE, '/again');
    await view('user-erased', T - 9 * MIN, ERASED_DEVICE, '/again');
    await drainEvents(t);
    const anon = await exported('&profileId=anon-e');
    expect(anon.map((e) => e.profileId)).toEqual(['anon-e']);
    const again = await exported('&profileId=user-erased');
    expect(again.map((e) => e.profileId)).toEqual(['user-erased']);
    // The erased id is no alias of crm-42 any more: nothing is stored or read under it.
    expect(await exported('&profileId=crm-42')).toEqual([]);
    expect((await exported('&profileId=user-kept')).map((e) => e.profileId)).toEqual(['user-kept', 'user-kept', 'user-kept']);
  });

  it("list: a project's erasures newest first; an unknown person is done with nothing counted", async () => {
    const res = await post({ projectId: p.id, profileId: 'nobody' });
    expect(res.statusCode).toBe(202);
    const job = await waitDone(t, res.json().data.id);
    expect(job.counts).toEqual({ events: 0, sessions: 0, aliases: 0, groupMemberships: 0, profiles: 0 });
    const list: Row[] = (await ok(`/manage/erasures?projectId=${p.id}`)).data;
    expect(list.map((e) => e.profileId)).toEqual(['nobody', 'user-erased']);
    expect(list.every((e) => e.status === 'done')).toBe(true);
  });

  it('400 for a bad body or query, 404 for an unknown project or erasure', async () => {
    for (const body of [
      {},
      { projectId: p.id },
      { profileId: 'x' },
      { projectId: p.id, profileId: 42 },
      { projectId: p.id, profileId: '' },
    ]) {
      const res = await post(body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, error: 'Bad Request' });
    }
    expect((await post({ projectId: 'no-such-project', profileId: 'x' })).json()).toMatchObject({
      status: 404,
      message: 'Project not found',
    });
    expect((await get('/manage/erasures/not-a-uuid')).json()).toMatchObject({
      status: 400,
      details: [{ path: ['id'], message: 'Invalid uuid' }],
    });
    expect((await get('/manage/erasures/1af09627-2dd7-4b37-9e5c-6ffa7e450e85')).json()).toMatchObject({
      status: 404,
      message: 'Erasure not found',
    });
    expect((await get('/manage/erasures')).statusCode).toBe(400);
    expect((await get('/manage/erasures?projectId=no-such-project')).statusCode).toBe(404);
  });

  it('read and write clients are 401 on every route', async () => {
    const list = await ok(`/manage/erasures?projectId=${p.id}`);
    const id = list.data[0].id as string;
    for (const as of [reader, writer]) {
      expect((await post({ projectId: p.id, profileId: 'user-kept' }, as)).statusCode).toBe(401);
      expect((await get(`/manage/erasures/${id}`, as)).statusCode).toBe(401);
      expect((await get(`/manage/erasures?projectId=${p.id}`, as)).statusCode).toBe(401);
    }
    expect((await exported('&profileId=user-kept')).length).toBe(3);
  });
});

describe('Manage: erasures survive a restart', () => {
  it('a job requested on a node that stops before running it is done by the next start', async () => {
    const env = await freshEnv({ ERASURE_INTERVAL_MS: '0', ERASURE_SECOND_PASS_MS: '0', SESSION_BUILD_INTERVAL_MS: '0' });
    let p!: CreatedProject;
    try {
      const first = await startApp(env);
      let id: string;
      try {
        p = await createProject(first, { name: 'Erasure restart', timezone: 'UTC' });
        const { track, view } = tracker(first, () => p);
        await track('identify', { profileId: 'gone' });
        for (let i = 0; i < 3; i++) await view('gone', T - HOUR + i * MIN, ERASED_DEVICE);
        await view('stays', T - HOUR, KEPT_DEVICE);
        await drainEvents(first);
        const res = await first.app.inject({
          method: 'POST',
          url: '/manage/erasures',
          headers: authHeaders(first.root),
          payload: { projectId: p.id, profileId: 'gone' },
        });
        expect(res.statusCode).toBe(202);
        id = res.json().data.id;
        const job = await first.app.inject({ method: 'GET', url: `/manage/erasures/${id}`, headers: authHeaders(first.root) });
        expect(job.json().data).toMatchObject({ status: 'pending', attempts: 0, counts: null });
      } finally {
        await first.close();
      }

      const second = await startApp({ ...env, ERASURE_INTERVAL_MS: '200' });
      try {
        const job = await waitDone(second, id);
        expect(job.counts).toMatchObject({ events: 3, profiles: 1 });
        const left: Row[] = (
          await second.app.inject({ method: 'GET', url: `/export/events?projectId=${p.id}`, headers: authHeaders(second.root) })
        ).json().data;
        expect(left.map((e) => e.profileId)).toEqual(['stays']);
      } finally {
        await second.close();
      }
    } finally {
      await disposeEnv(env);
    }
  });
});

describe('Manage: a failed erasure is retried until done', () => {
  const t = useTestApp({
    ERASURE_SECOND_PASS_MS: '0',
    ERASURE_INTERVAL_MS: '200',
    SESSION_BUILD_INTERVAL_MS: '0',
    MANAGE_RATE_LIMIT: '10000',
  });
  let p: CreatedProject;
  const { track, view } = tracker(t, () => p);

  it('an attempt that fails (the profile mirror table is missing) is failed with its message, then done once it is back', async () => {
    p = await createProject(t, { name: 'Erasure retry', timezone: 'UTC' });
    await track('identify', { profileId: 'retry-me' });
    await view('retry-me', T - HOUR, ERASED_DEVICE);
    await view('retry-me', T - HOUR + MIN, ERASED_DEVICE);
    await drainEvents(t);
    const ch = t.app.get(ClickhouseService);
    await ch.client.command({ query: `RENAME TABLE ${ch.table('profiles')} TO ${ch.table('profiles_away')}` });
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/manage/erasures',
        headers: authHeaders(t.root),
        payload: { projectId: p.id, profileId: 'retry-me' },
      });
      expect(res.statusCode).toBe(202);
      const id = res.json().data.id as string;
      const until = Date.now() + 30_000;
      let job: Row;
      for (;;) {
        job = (await t.app.inject({ method: 'GET', url: `/manage/erasures/${id}`, headers: authHeaders(t.root) })).json().data;
        if (job.status === 'failed' || Date.now() > until) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(job).toMatchObject({ status: 'failed', attempts: 1, finishedAt: null, counts: { events: 2 } });
      expect(job.lastError).toEqual(expect.stringContaining('profiles'));
      await ch.client.command({ query: `RENAME TABLE ${ch.table('profiles_away')} TO ${ch.table('profiles')}` });
      const done = await waitDone(t, id);
      expect(done).toMatchObject({ attempts: 2, lastError: null, counts: { events: 2, sessions: 0, profiles: 1 } });
    } finally {
      await ch.client
        .command({ query: `RENAME TABLE IF EXISTS ${ch.table('profiles_away')} TO ${ch.table('profiles')}` })
        .catch(() => undefined);
    }
  });
});
