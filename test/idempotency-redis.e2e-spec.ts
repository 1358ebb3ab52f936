import { randomUUID } from 'node:crypto';
import { DuplicateFilter, IdempotencyCache } from '../src/pipeline/duplicate-filter';
import { RedisIdempotency } from '../src/pipeline/redis-idempotency';
import { createProject, type CreatedProject } from './setup/fixtures';
import { startNodes } from './setup/nodes';
import { REDIS_URL, redisAvailable } from './setup/redis';
import { storedEvents, USER_AGENTS } from './setup/stores';
import { authHeaders, createTestApp, disposeEnv, drainEvents, SERVER_DATABASE_URL, type TestApp } from './setup/test-app';

describe('retries recognised by every API node (REDIS_URL)', () => {
  let redisUp = false;
  beforeAll(async () => {
    redisUp = await redisAvailable();
  });

  const track = (node: TestApp, p: CreatedProject, key: string, name = 'purchase') =>
    node.app.inject({
      method: 'POST',
      url: '/track',
      headers: { ...authHeaders(p.writeClient), 'user-agent': USER_AGENTS.chrome, 'idempotency-key': key },
      payload: { type: 'track', payload: { name, properties: { __path: 'https://shop.example.com/checkout' } } },
    });

  it('two filters sharing Redis: a stored id is a duplicate on the other, a failed write leaves it to the retry, a pending one is waited for', async () => {
    if (!redisUp) return;
    const a = new RedisIdempotency(REDIS_URL, 60_000);
    const b = new RedisIdempotency(REDIS_URL, 60_000);
    await Promise.all([a.ready(), b.ready()]);
    try {
      const written: string[][] = [[], []];
      let failA = false;
      const gate: { slow?: Promise<void> } = {};
      const fa = new DuplicateFilter<string>(
        new IdempotencyCache(60_000),
        async (rows) => {
          await gate.slow;
          if (failA) throw new Error('store down');
          written[0].push(...rows);
        },
        a,
      );
      const fb = new DuplicateFilter<string>(new IdempotencyCache(60_000), async (rows) => void written[1].push(...rows), b);
      const dupes: number[] = [];
      const k = (n: string) => `p:${n}-${randomUUID()}`;

      const k1 = k('stored');
      await fa.write([{ index: 0, row: 'e1', key: k1 }], () => undefined);
      await fb.write([{ index: 0, row: 'e1', key: k1 }], (i) => dupes.push(i));
      expect(dupes).toEqual([0]);
      expect(written).toEqual([['e1'], []]);

      const k2 = k('failed');
      failA = true;
      await expect(fa.write([{ index: 0, row: 'e2', key: k2 }], () => undefined)).rejects.toThrow('store down');
      failA = false;
      await fb.write([{ index: 0, row: 'e2', key: k2 }], () => undefined);
      expect(written[1]).toEqual(['e2']);

      const k3 = k('pending');
      let release!: () => void;
      gate.slow = new Promise((r) => (release = r));
      const first = fa.write([{ index: 0, row: 'e3', key: k3 }], () => undefined);
      await new Promise((r) => setTimeout(r, 50));
      const retry = fb.write([{ index: 7, row: 'e3', key: k3 }], (i) => dupes.push(i));
      await new Promise((r) => setTimeout(r, 100));
      release();
      await Promise.all([first, retry]);
      expect(dupes).toEqual([0, 7]);
      expect(written).toEqual([['e1', 'e3'], ['e2']]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('with Redis down, /track still stores, and a retry on the same node is still recognised', async () => {
    const t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const p = await createProject(t, { name: 'Ids without Redis' });
      const key = randomUUID();
      expect((await track(t, p, key, 'offline_ids')).statusCode).toBe(200);
      expect((await track(t, p, key, 'offline_ids')).statusCode).toBe(200);
      await drainEvents(t);
      expect(await storedEvents(t, p.id, "name = 'offline_ids'")).toHaveLength(1);
    } finally {
      await t.close();
      await disposeEnv(t.env);
    }
  });

  // Two nodes share PostgreSQL only on a server: the suite's server pass.
  const twoNodes = SERVER_DATABASE_URL ? it : it.skip;

  twoNodes(
    'a retry that reaches the other node is stored once, also when both attempts arrive at once; without Redis it would be stored twice',
    async () => {
      if (!redisUp) return;
      const count = async (node: TestApp, p: CreatedProject, name: string) =>
        (await storedEvents(node, p.id, 'name = {n:String}', { n: name })).length;
      for (const shared of [true, false]) {
        const { node1, node2, stop } = await startNodes(shared ? { REDIS_URL } : {});
        try {
          const p = await createProject(node1, { name: `Retries ${shared}` });
          const key = randomUUID();
          expect((await track(node1, p, key, 'retried')).statusCode).toBe(200);
          expect((await track(node2, p, key, 'retried')).statusCode).toBe(200);
          const keys = Array.from({ length: 20 }, () => randomUUID());
          const answers = await Promise.all(keys.flatMap((k) => [track(node1, p, k, 'raced'), track(node2, p, k, 'raced')]));
          expect(answers.every((r) => r.statusCode === 200)).toBe(true);
          await drainEvents(node1);
          await drainEvents(node2);
          if (shared) {
            expect(await count(node1, p, 'retried')).toBe(1);
            expect(await count(node1, p, 'raced')).toBe(20);
          } else {
            // The control: each node alone stores its attempt.
            expect(await count(node1, p, 'retried')).toBe(2);
          }
        } finally {
          await stop();
        }
      }
    },
  );
});
