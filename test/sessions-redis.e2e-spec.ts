import { randomUUID } from 'node:crypto';
import { ClickhouseService } from '@app/clickhouse';
import { type DeviceIds, MemorySessionAssigner, type SessionAnswer, type SessionRequest } from '@app/ingest';
import { RedisSessionAssigner } from '../src/pipeline/redis-session-assigner';
import { SessionBuilder } from '../src/sessions';
import { createProject, type CreatedProject } from './setup/fixtures';
import { type Row, USER_AGENTS } from './setup/stores';
import { authHeaders, createTestApp, disposeEnv, drainEvents, SERVER_DATABASE_URL, type TestApp } from './setup/test-app';
import { startNodes } from './setup/nodes';
import { REDIS_URL, redisAvailable } from './setup/redis';

const MIN = 60_000;

/** A small deterministic generator, so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Session ids renamed by order of first appearance: two deciders agree when these are equal. */
function shape(answers: SessionAnswer[]): string[] {
  const names = new Map<string, string>();
  return answers.map((a) => {
    if (a.sessionId === '') return `${a.deviceId}/-`;
    if (!names.has(a.sessionId)) names.set(a.sessionId, `s${names.size}`);
    return `${a.deviceId}/${names.get(a.sessionId)}`;
  });
}

describe('sessions shared through Redis (REDIS_URL)', () => {
  let redisUp = false;
  beforeAll(async () => {
    redisUp = await redisAvailable();
  });

  it('the script in Redis decides every request as the in-memory assigner does (2,000 random requests)', async () => {
    if (!redisUp) return;
    const next = random(17);
    const projectId = randomUUID();
    const memory = new MemorySessionAssigner();
    let n = 0;
    const redis = new RedisSessionAssigner(REDIS_URL, new MemorySessionAssigner(), () => `cand-${n++}`);
    await redis.ready();
    try {
      const devices: DeviceIds[] = [
        { deviceId: 'a', previousDeviceId: null, explicit: false },
        { deviceId: 'b', previousDeviceId: 'a', explicit: false },
        { deviceId: 'c', previousDeviceId: null, explicit: false },
        { deviceId: 'd', previousDeviceId: 'c', explicit: false },
        { deviceId: 'e', previousDeviceId: 'x', explicit: false },
      ];
      let clock = Date.UTC(2026, 11, 1, 12);
      const fromMemory: SessionAnswer[] = [];
      const fromRedis: SessionAnswer[] = [];
      for (let done = 0; done < 2000;) {
        const batch: SessionRequest[] = [];
        const size = 1 + Math.floor(next() * 12);
        for (let i = 0; i < size; i++, done++) {
          // Mostly forward by seconds to minutes, sometimes past the 30-minute gap, sometimes back in time.
          const step = next();
          clock +=
            step < 0.7
              ? Math.floor(next() * 10 * MIN)
              : step < 0.9
                ? 31 * MIN + Math.floor(next() * 60 * MIN)
                : -Math.floor(next() * 45 * MIN);
          const profile = next() < 0.5 ? `p${Math.floor(next() * 3)}` : undefined;
          batch.push({
            kind: next() < 0.8 ? 'visit' : 'server',
            projectId,
            deviceIds: devices[Math.floor(next() * devices.length)],
            at: clock,
            profileId: profile,
          });
        }
        fromMemory.push(...memory.assign(batch));
        fromRedis.push(...(await redis.assign(batch)));
      }
      expect(shape(fromRedis)).toEqual(shape(fromMemory));
      // The sequence exercises every rule: new sessions, joins, server events with and without a live visit.
      expect(new Set(fromMemory.map((a) => a.sessionId)).size).toBeGreaterThan(50);
      expect(fromMemory.filter((a) => a.sessionId === '').length).toBeGreaterThan(20);
      for (const d of devices) {
        const live = memory.findLive(projectId, d, clock);
        const shared = await redis.findLive(projectId, d, clock);
        expect(shared === undefined).toBe(live === undefined);
        if (live && shared) expect({ ...shared, sessionId: '' }).toEqual({ ...live, sessionId: '' });
      }
    } finally {
      await redis.close();
    }
  });

  it('with Redis down, /track still answers 200 with a session, decided by the node alone', async () => {
    const t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const p = await createProject(t, { name: 'Redis down' });
      const send = () =>
        t.app.inject({
          method: 'POST',
          url: '/track',
          headers: { ...authHeaders(p.writeClient), 'user-agent': USER_AGENTS.chrome, 'x-client-ip': '8.8.4.4' },
          payload: { type: 'track', payload: { name: 'screen_view', properties: { __path: 'https://a.example/' } } },
        });
      const first = await send();
      const second = await send();
      expect(first.statusCode).toBe(200);
      expect(second.statusCode).toBe(200);
      expect(first.json().sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(second.json().sessionId).toBe(first.json().sessionId);
    } finally {
      await t.close();
      await disposeEnv(t.env);
    }
  });

  // Two nodes must share PostgreSQL (projects, clients, the daily salts): a server. On the embedded
  // default each node would have its own PGlite, so this runs in the suite's server pass.
  const twoNodes = SERVER_DATABASE_URL ? it : it.skip;

  const track = (node: TestApp, p: CreatedProject, ip: string, payload: Record<string, unknown>, userAgent: string = USER_AGENTS.iphone) =>
    node.app.inject({
      method: 'POST',
      url: '/track',
      headers: { ...authHeaders(p.writeClient), 'user-agent': userAgent, 'x-client-ip': ip },
      payload: { type: 'track', payload },
    });

  twoNodes('two API nodes give one device one session, whichever node each event reaches; the sessions table agrees', async () => {
    if (!redisUp) return;
    const { node1, node2, stop } = await startNodes({ REDIS_URL });
    try {
      const p = await createProject(node1, { name: 'Two nodes' });
      const now = Date.now();
      const view = (path: string, minutesAgo: number, extra: Record<string, unknown> = {}) => ({
        name: 'screen_view',
        properties: { __path: `https://shop.example.com${path}`, __timestamp: new Date(now - minutesAgo * MIN).toISOString() },
        ...extra,
      });
      // One visit, its page views alternating between the nodes.
      const answers = [];
      answers.push((await track(node1, p, '81.2.69.160', view('/', 9))).json());
      answers.push((await track(node2, p, '81.2.69.160', view('/shoes', 8, { profileId: 'buyer-1' }))).json());
      answers.push((await track(node1, p, '81.2.69.160', view('/cart', 7))).json());
      // A first visit of another device reaching both nodes at the same moment.
      const both = await Promise.all([track(node1, p, '81.2.69.161', view('/', 3)), track(node2, p, '81.2.69.161', view('/a', 3))]);
      // A server-side event of the profile on node1; node2 saw the view that named the profile.
      const fromServer = (
        await track(
          node1,
          p,
          '10.0.0.9',
          { name: 'purchase', profileId: 'buyer-1', properties: { __timestamp: new Date(now - 6 * MIN).toISOString() } },
          'node-fetch/1.0',
        )
      ).json();

      const visit = answers[0];
      expect(visit.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      for (const a of answers) expect(a).toEqual({ deviceId: visit.deviceId, sessionId: visit.sessionId });
      expect(both[0].json().sessionId).toBe(both[1].json().sessionId);
      expect(both[0].json().sessionId).not.toBe(visit.sessionId);
      expect(fromServer).toEqual({ deviceId: visit.deviceId, sessionId: visit.sessionId });

      await drainEvents(node1);
      await drainEvents(node2);
      await node1.app.get(SessionBuilder).runOnce({ lagMs: 0 });
      const ch = node1.app.get(ClickhouseService);
      const rs = await ch.client.query({
        query: `SELECT id, device_id, event_count, screen_view_count FROM ${ch.table('sessions')} FINAL WHERE project_id = {p:String} AND sign = 1 ORDER BY created_at`,
        query_params: { p: p.id },
        format: 'JSONEachRow',
        clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
      });
      const rows: Row[] = await rs.json();
      expect(rows).toEqual([
        { id: visit.sessionId, device_id: visit.deviceId, event_count: 0, screen_view_count: 3 },
        { id: both[0].json().sessionId, device_id: both[0].json().deviceId, event_count: 0, screen_view_count: 2 },
      ]);
    } finally {
      await stop();
    }
  });

  twoNodes('without Redis each node decides alone: the same visit gets two provisional ids (what the test above rules out)', async () => {
    const { node1, node2, stop } = await startNodes({});
    try {
      const p = await createProject(node1, { name: 'Two nodes, no Redis' });
      const first = (await track(node1, p, '81.2.69.162', { name: 'screen_view', properties: { __path: 'https://x.example/' } })).json();
      const second = (await track(node2, p, '81.2.69.162', { name: 'screen_view', properties: { __path: 'https://x.example/b' } })).json();
      expect(second.deviceId).toBe(first.deviceId);
      expect(second.sessionId).not.toBe(first.sessionId);
    } finally {
      await stop();
    }
  });
});
