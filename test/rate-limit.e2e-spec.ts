import { createClient } from './setup/fixtures';
import { authHeaders, createTestApp, type Credentials, disposeEnv, freshEnv, startApp, type TestApp, useTestApp } from './setup/test-app';
import { REDIS_URL, redisAvailable } from './setup/redis';

describe('Rate limits (per client, after auth)', () => {
  describe('in-process storage', () => {
    const t = useTestApp();
    let second: Credentials;

    it('the 21st manage request in 10 s is 429 with the headers; another client is unaffected', async () => {
      // Creating the second root client is the first of the 20 allowed requests.
      second = await createClient(t, { name: 'second root', mode: 'root' });
      const seen: number[] = [];
      for (let i = 2; i <= 20; i++) {
        const res = await t.app.inject({ method: 'GET', url: '/manage/projects', headers: authHeaders(t.root) });
        expect(res.statusCode).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBe('20');
        seen.push(Number(res.headers['x-ratelimit-remaining']));
      }
      expect(seen[0]).toBe(18);
      expect(seen.at(-1)).toBe(0);
      const limited = await t.app.inject({ method: 'GET', url: '/manage/projects', headers: authHeaders(t.root) });
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual({ status: 429, error: 'Too Many Requests', message: 'Rate limit exceeded: 20 requests per 10 s' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(10);
      expect(limited.headers['x-ratelimit-remaining']).toBe('0');
      expect(limited.headers['x-ratelimit-reset']).toBeDefined();

      const other = await t.app.inject({ method: 'GET', url: '/manage/projects', headers: authHeaders(second) });
      expect(other.statusCode).toBe(200);
      expect(other.headers['x-ratelimit-remaining']).toBe('19');
    });

    it('public routes carry no limit', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/healthz/live' });
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    });
  });

  describe('Redis storage (REDIS_URL)', () => {
    let redisUp = false;
    beforeAll(async () => {
      redisUp = await redisAvailable();
    });

    it('two API nodes share one budget per client', async () => {
      if (!redisUp) return console.warn('Redis not reachable on 127.0.0.1:6379: shared-budget check not run');
      const env = await freshEnv({ REDIS_URL, MANAGE_RATE_LIMIT: '6' });
      const node1 = await startApp(env);
      // The second node shares PostgreSQL and ClickHouse data with the first only through Redis counters here.
      const node2 = await startApp({ ...env, DATA_DIR: `${env.DATA_DIR}-node2` });
      try {
        const ask = (n: TestApp) => n.app.inject({ method: 'GET', url: '/healthcheck' });
        expect((await ask(node1)).json().checks.redis.status).toBe('ok');
        // The root client of node2 is a different row but the same id: the budget is per id.
        const codes: number[] = [];
        for (let i = 0; i < 4; i++)
          codes.push((await node1.app.inject({ method: 'GET', url: '/manage/projects', headers: authHeaders(node1.root) })).statusCode);
        for (let i = 0; i < 3; i++)
          codes.push((await node2.app.inject({ method: 'GET', url: '/manage/projects', headers: authHeaders(node2.root) })).statusCode);
        expect(codes).toEqual([200, 200, 200, 200, 200, 200, 429]);
      } finally {
        await node1.close();
        await node2.close();
        await disposeEnv(env);
        await disposeEnv({ ...env, DATA_DIR: `${env.DATA_DIR}-node2`, DATABASE_URL: '' });
      }
    });

    it('a Redis outage fails open: requests are served, without limit headers', async () => {
      const t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1', MANAGE_RATE_LIMIT: '2' });
      try {
        for (let i = 0; i < 4; i++) {
          const res = await t.app.inject({ method: 'GET', url: '/manage/projects', headers: authHeaders(t.root) });
          expect(res.statusCode).toBe(200);
          expect(res.headers['x-ratelimit-limit']).toBeUndefined();
        }
        const health = await t.app.inject({ method: 'GET', url: '/healthcheck' });
        expect(health.statusCode).toBe(503);
        expect(health.json().checks.redis.status).toBe('error');
      } finally {
        await t.close();
        await disposeEnv(t.env);
      }
    });
  });
});
