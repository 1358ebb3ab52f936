import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ClickhouseService } from '@app/clickhouse';
import { createProject, type CreatedProject } from './setup/fixtures';
import { authHeaders, createTestApp, disposeEnv, drainEvents, useTestApp } from './setup/test-app';
import { storedEvents, storedProfile, USER_AGENTS } from './setup/stores';

const { chrome: CHROME, iphone: IPHONE } = USER_AGENTS;
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

describe('POST /track and /track/batch: the ingestion pipeline end to end', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let ch: ClickhouseService;
  let db: DataSource;

  beforeAll(async () => {
    p = await createProject(t, { name: 'Track' });
    ch = t.app.get(ClickhouseService);
    db = t.app.get(DataSource);
  });

  const send = (payload: unknown, headers: Record<string, string> = {}, url = '/track') =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...authHeaders(p.writeClient), 'user-agent': CHROME, ...headers },
      payload: payload as object,
    });

  const events = (where: string, params: Record<string, unknown> = {}) => storedEvents(t, p.id, where, params);
  const profile = (id: string) => storedProfile(t, p.id, id);

  describe('track', () => {
    it('stores the event with geo, device, page, referrer, flattened properties and the client time', async () => {
      const at = new Date(Date.now() - 5 * 60_000).toISOString();
      const res = await send(
        {
          type: 'track',
          payload: {
            name: 'page_view',
            profileId: 42,
            groups: ['acme'],
            properties: {
              __timestamp: at,
              __path: 'https://shop.example.com/cart?utm_source=news#top',
              __referrer: 'https://www.google.com/search?q=shoes',
              __title: 'Cart',
              plan: { tier: 'pro', seats: 3 },
              tags: ['a', 'b'],
              empty: '',
              nothing: null,
            },
          },
        },
        { 'x-client-ip': '8.8.8.8', 'openpanel-sdk-name': 'web', 'openpanel-sdk-version': '1.0.0' },
      );
      expect(res.json()).toEqual({ deviceId: expect.any(String), sessionId: expect.any(String) });
      const answer = res.json();
      expect(answer.deviceId).toMatch(/^[0-9a-f]{64}$/);
      expect(answer.sessionId).toMatch(/^[0-9a-f-]{36}$/);

      const [row] = await events(`name = 'page_view'`);
      expect(row).toMatchObject({
        device_id: answer.deviceId,
        session_id: answer.sessionId,
        profile_id: '42',
        groups: ['acme'],
        path: '/cart',
        origin: 'https://shop.example.com',
        referrer: 'https://www.google.com/search?q=shoes',
        // utm_source names the referrer when present, as in OpenPanel.
        referrer_name: 'news',
        country: 'United States',
        country_code: 'US',
        city: 'Mountain View',
        os: 'Windows',
        browser: 'Chrome',
        browser_version: '124.0.0.0',
        device: 'desktop',
        sdk_name: 'web',
        sdk_version: '1.0.0',
        revenue: 0,
      });
      expect(new Date(`${row.created_at}Z`).toISOString()).toBe(at);
      expect(row.properties).toMatchObject({
        'plan.tier': 'pro',
        'plan.seats': '3',
        'tags.0': 'a',
        'tags.1': 'b',
        '__query.utm_source': 'news',
        __hash: '#top',
        __title: 'Cart',
      });
      expect(row.properties).not.toHaveProperty('empty');
      expect(row.properties).not.toHaveProperty('nothing');
    });

    it('an iPhone is a mobile iOS device; the same device keeps its session, another device gets its own', async () => {
      const h = { 'x-client-ip': '81.2.69.142', 'user-agent': IPHONE };
      const first = (
        await send(
          { type: 'track', payload: { name: 'tap', properties: { __timestamp: new Date(Date.now() - 10 * 60_000).toISOString() } } },
          h,
        )
      ).json();
      const second = (await send({ type: 'track', payload: { name: 'tap' } }, h)).json();
      const other = (
        await send({ type: 'track', payload: { name: 'tap' } }, { 'x-client-ip': '81.2.69.143', 'user-agent': IPHONE })
      ).json();
      expect(second).toEqual(first);
      expect(other.deviceId).not.toBe(first.deviceId);
      expect(other.sessionId).not.toBe(first.sessionId);
      const rows = await events(`name = 'tap'`);
      expect(rows.map((r) => [r.os, r.device, r.browser])).toEqual(Array(3).fill(['iOS', 'mobile', 'Mobile Safari']));
    });

    it('events older than 15 minutes are stored without a session; a future time beyond 1 minute is replaced', async () => {
      const old = new Date(Date.now() - 3 * 3600_000).toISOString();
      const res = await send({ type: 'track', payload: { name: 'late', properties: { __timestamp: old } } });
      expect(res.json().sessionId).toBe('');
      await send({
        type: 'track',
        payload: { name: 'future', properties: { __timestamp: new Date(Date.now() + 3600_000).toISOString() } },
      });
      const [late] = await events(`name = 'late'`);
      expect(late.session_id).toBe('');
      const [future] = await events(`name = 'future'`);
      expect(new Date(`${future.created_at}Z`).getTime()).toBeLessThanOrEqual(Date.now());
    });

    it('a known bot without a secret gets 202 and is not counted; with the secret it is', async () => {
      const noSecret = {
        'openpanel-client-id': p.writeClient.id,
        'openpanel-client-secret': '',
        origin: 'https://anything.test',
        'user-agent': GOOGLEBOT,
      };
      // The project has no CORS list: this test uses a public client instead.
      const pub = await t.app.inject({
        method: 'POST',
        url: '/manage/clients',
        headers: authHeaders(t.root),
        payload: { name: 'pub', projectId: p.id, public: true },
      });
      const res = await send({ type: 'track', payload: { name: 'crawl' } }, { ...noSecret, 'openpanel-client-id': pub.json().data.id });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({ bot: { name: 'Googlebot', type: 'crawler' } });
      expect(await events(`name = 'crawl'`)).toHaveLength(0);
      expect((await send({ type: 'track', payload: { name: 'crawl' } }, { 'user-agent': GOOGLEBOT })).statusCode).toBe(200);
      expect(await events(`name = 'crawl'`)).toHaveLength(1);
    });

    it('revenue needs the secret', async () => {
      const pub = await t.app.inject({
        method: 'POST',
        url: '/manage/clients',
        headers: authHeaders(t.root),
        payload: { name: 'pub2', projectId: p.id, public: true },
      });
      await send(
        { type: 'track', payload: { name: 'buy', properties: { __revenue: 1999 } } },
        { 'openpanel-client-id': pub.json().data.id, 'openpanel-client-secret': '' },
      );
      await send({ type: 'track', payload: { name: 'buy', properties: { __revenue: 2999 } } });
      expect((await events(`name = 'buy'`)).map((r) => r.revenue).sort()).toEqual([0, 2999]);
    });

    it('1,000 parallel tracks give 1,000 rows', async () => {
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => send({ type: 'track', payload: { name: 'burst', properties: { i } } })),
      );
      expect(results.every((r) => r.statusCode === 200)).toBe(true);
      const rows = await events(`name = 'burst'`);
      expect(rows).toHaveLength(1000);
      expect(new Set(rows.map((r) => r.properties.i)).size).toBe(1000);
    });

    it('a retried request with the same idempotency-key, or the same __id, counts once', async () => {
      const key = randomUUID();
      for (let i = 0; i < 3; i++)
        expect((await send({ type: 'track', payload: { name: 'paid' } }, { 'idempotency-key': key })).statusCode).toBe(200);
      await Promise.all([1, 2, 3].map(() => send({ type: 'track', payload: { name: 'paid', properties: { __id: 'order-77' } } })));
      expect(await events(`name = 'paid'`)).toHaveLength(2);
    });
  });

  describe('profiles', () => {
    it('identify upserts, merges properties and is mirrored to ClickHouse', async () => {
      const id = `user-${randomUUID()}`;
      expect(
        (
          await send({
            type: 'identify',
            payload: { profileId: id, firstName: 'Ada', email: 'ada@example.com', properties: { plan: 'free', a: 1 } },
          })
        ).statusCode,
      ).toBe(200);
      const res = await send({ type: 'identify', payload: { profileId: id, lastName: 'Lovelace', properties: { plan: 'pro' } } });
      expect(res.statusCode).toBe(200);
      expect(res.json().deviceId).toMatch(/^[0-9a-f]{64}$/);
      expect(await profile(id)).toMatchObject({
        first_name: 'Ada',
        last_name: 'Lovelace',
        email: 'ada@example.com',
        properties: { plan: 'pro', a: 1 },
        is_external: true,
      });
      await drainEvents(t);
      const rs = await ch.client.query({
        query: `SELECT first_name, last_name, email, properties FROM ${ch.table('profiles')} FINAL WHERE project_id = {p:String} AND id = {id:String}`,
        query_params: { p: p.id, id },
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toEqual([
        { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', properties: { plan: 'pro', a: '1' } },
      ]);
    });

    it('100 parallel increments give exactly +100; decrement subtracts; nested paths work', async () => {
      const id = `counter-${randomUUID()}`;
      await send({ type: 'identify', payload: { profileId: id, properties: { visits: 5 } } });
      const results = await Promise.all(
        Array.from({ length: 100 }, () => send({ type: 'increment', payload: { profileId: id, property: 'visits' } })),
      );
      expect(results.every((r) => r.statusCode === 200)).toBe(true);
      await send({ type: 'decrement', payload: { profileId: id, property: 'visits', value: 3 } });
      await send({ type: 'increment', payload: { profileId: id, property: 'stats.logins', value: 2 } });
      expect((await profile(id))!.properties).toEqual({ visits: 102, stats: { logins: 2 } });
      await drainEvents(t);
      const rs = await ch.client.query({
        query: `SELECT properties['visits'] AS v FROM ${ch.table('profiles')} FINAL WHERE project_id = {p:String} AND id = {id:String}`,
        query_params: { p: p.id, id },
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toEqual([{ v: '102' }]);
    });

    it('increment of an unknown profile is 404; of a text property 400', async () => {
      const unknown = await send({ type: 'increment', payload: { profileId: 'nobody', property: 'x' } });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().message).toBe('Profile not found');
      const id = `text-${randomUUID()}`;
      await send({ type: 'identify', payload: { profileId: id, properties: { name: 'abc' } } });
      const text = await send({ type: 'increment', payload: { profileId: id, property: 'name' } });
      expect(text.statusCode).toBe(400);
      expect(text.json().message).toBe('Property value is not a number');
    });

    it('__identify on a track event creates or updates the profile', async () => {
      const id = `on-track-${randomUUID()}`;
      await send({
        type: 'track',
        payload: {
          name: 'signed_up',
          profileId: id,
          properties: { __identify: { firstName: 'Lin', email: 'lin@example.com', properties: { plan: 'team' } } },
        },
      });
      expect(await profile(id)).toMatchObject({ first_name: 'Lin', email: 'lin@example.com', properties: { plan: 'team' } });
      const bare = `bare-${randomUUID()}`;
      await send({ type: 'track', payload: { name: 'seen', profileId: bare, properties: { __identify: true } } });
      expect(await profile(bare)).toMatchObject({ id: bare, first_name: null });
      const [row] = await events(`name = 'signed_up' AND profile_id = {id:String}`, { id });
      expect(row.properties).not.toHaveProperty('__identify');
    });

    it('alias: later events sent under the alias count for the profile', async () => {
      const id = `main-${randomUUID()}`;
      await send({ type: 'identify', payload: { profileId: id } });
      expect((await send({ type: 'alias', payload: { profileId: id, alias: `anon-${id}` } })).statusCode).toBe(200);
      await send({ type: 'track', payload: { name: 'aliased', profileId: `anon-${id}` } });
      const [row] = await events(`name = 'aliased'`);
      expect(row.profile_id).toBe(id);
    });

    it('group and assign_group are stored', async () => {
      expect(
        (await send({ type: 'group', payload: { id: 'acme', type: 'company', name: 'Acme', properties: { size: 10 } } })).statusCode,
      ).toBe(200);
      const id = `member-${randomUUID()}`;
      expect((await send({ type: 'assign_group', payload: { profileId: id, groupIds: ['acme', 'beta'] } })).statusCode).toBe(200);
      await send({ type: 'assign_group', payload: { profileId: id, groupIds: ['acme'] } });
      const [group] = await db.query(`SELECT type, name, properties FROM groups WHERE project_id = $1 AND id = 'acme'`, [p.id]);
      expect(group).toEqual({ type: 'company', name: 'Acme', properties: { size: 10 } });
      expect((await profile(id))!.groups).toEqual(['acme', 'beta']);
    });
  });

  describe('batch', () => {
    it('accepts the good items, lists the bad ones by index, and a retried batch counts once', async () => {
      const items = [
        { type: 'track', payload: { name: 'b1', properties: { __id: 'batch-1' } } },
        { type: 'track', payload: {} },
        { type: 'nope', payload: {} },
        { type: 'track', payload: { name: 'b2', properties: { __id: 'batch-2' } } },
        { type: 'increment', payload: { profileId: 'nobody', property: 'x' } },
      ];
      const res = await send({ items }, {}, '/track/batch');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.accepted).toBe(2);
      expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 4]);
      expect(body.rejected[2].error).toBe('Profile not found');
      await send({ items }, {}, '/track/batch');
      expect((await events(`name IN ('b1', 'b2')`)).map((r) => r.name)).toHaveLength(2);
    });

    it('items that name another user agent or IP get that sender’s device, the rest the request’s', async () => {
      const h = { 'x-client-ip': '81.2.69.160' };
      const single = (await send({ type: 'track', payload: { name: 'dev_single' } }, h)).json();
      const fromIphone = (await send({ type: 'track', payload: { name: 'dev_single_iphone' } }, { ...h, 'user-agent': IPHONE })).json();
      const items = [
        { type: 'track', payload: { name: 'dev_b0' } },
        { type: 'track', payload: { name: 'dev_b1', properties: { __ua: IPHONE } } },
        { type: 'track', payload: { name: 'dev_b2', properties: { __ip: '81.2.69.161' } } },
        { type: 'track', payload: { name: 'dev_b3' } },
        { type: 'track', payload: { name: 'dev_b4', properties: { __ua: IPHONE } } },
      ];
      expect((await send({ items }, h, '/track/batch')).json()).toEqual({ accepted: 5, rejected: [] });
      const rows = await events(`name LIKE 'dev_b%'`);
      const device = Object.fromEntries(rows.map((r) => [r.name, r.device_id]));
      expect(device.dev_b0).toBe(single.deviceId);
      expect(device.dev_b3).toBe(single.deviceId);
      expect(device.dev_b1).toBe(fromIphone.deviceId);
      expect(device.dev_b4).toBe(fromIphone.deviceId);
      expect(new Set([single.deviceId, fromIphone.deviceId, device.dev_b2]).size).toBe(3);
    });

    it('refuses more than 2000 items and accepts bodies above 1 MB up to 10 MB', async () => {
      expect((await send({ items: Array(2001).fill({ type: 'track', payload: { name: 'x' } }) }, {}, '/track/batch')).statusCode).toBe(400);
      const big = Array.from({ length: 100 }, (_, i) => ({
        type: 'track',
        payload: { name: 'big', properties: { i, blob: 'x'.repeat(15_000) } },
      }));
      const res = await send({ items: big }, {}, '/track/batch');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ accepted: 100, rejected: [] });
    });
  });

  describe('bad input: clear 4xx, nothing stored, the server keeps serving', () => {
    it.each([
      ['wrong type of name', { type: 'track', payload: { name: 5 } }, ['payload', 'name']],
      ['missing name', { type: 'track', payload: {} }, ['payload', 'name']],
      ['unknown type', { type: 'explode', payload: {} }, ['type']],
      ['reserved name', { type: 'track', payload: { name: 'session_start' } }, ['payload', 'name']],
      ['bad email', { type: 'identify', payload: { profileId: 'x', email: 'not-an-email' } }, ['payload', 'email']],
      ['negative increment', { type: 'increment', payload: { profileId: 'x', property: 'p', value: -1 } }, ['payload', 'value']],
    ])('%s → 400 with details', async (_label, payload, path) => {
      const res = await send(payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    });

    it('invalid JSON → 400; a body over 1 MB → 413; deep nesting → 400; then a good event still works', async () => {
      const invalid = await t.app.inject({
        method: 'POST',
        url: '/track',
        headers: { ...authHeaders(p.writeClient), 'content-type': 'application/json' },
        payload: '{"type":',
      });
      expect(invalid.statusCode).toBe(400);
      const body = JSON.stringify({ type: 'track', payload: { name: 'huge', properties: { blob: '' } } });
      const huge = body.replace('"blob":""', `"blob":"${'x'.repeat(1024 * 1024 + 1 - body.length)}"`);
      expect(Buffer.byteLength(huge)).toBe(1024 * 1024 + 1);
      const tooBig = await t.app.inject({
        method: 'POST',
        url: '/track',
        headers: { ...authHeaders(p.writeClient), 'content-type': 'application/json' },
        payload: huge,
      });
      expect(tooBig.statusCode).toBe(413);
      expect(tooBig.json().status).toBe(413);
      let deep: Record<string, unknown> = { v: 1 };
      for (let i = 0; i < 200; i++) deep = { d: deep };
      const nested = await send({ type: 'track', payload: { name: 'deep', properties: deep } });
      expect(nested.statusCode).toBe(400);
      expect(await events(`name IN ('huge', 'deep')`)).toHaveLength(0);
      expect((await send({ type: 'track', payload: { name: 'after_bad' } })).statusCode).toBe(200);
    });
  });
});

describe('Back-pressure: a full ingestion buffer answers 503 with Retry-After', () => {
  it('refuses instead of growing, and nothing refused is stored', async () => {
    // 100 rows may wait at most, and inserts wait a minute: the second batch does not fit.
    const t = await createTestApp({ INGEST_BUFFER_ROWS: '100', INGEST_FLUSH_MS: '60000', INGEST_FLUSH_ROWS: '1000000' });
    try {
      const p = await createProject(t, { name: 'Full' });
      const batch = (name: string) => ({ items: Array.from({ length: 60 }, () => ({ type: 'track', payload: { name } })) });
      const send = (name: string) =>
        t.app.inject({
          method: 'POST',
          url: '/track/batch',
          headers: { ...authHeaders(p.writeClient), 'user-agent': USER_AGENTS.chrome },
          payload: batch(name),
        });
      expect((await send('fits')).statusCode).toBe(200);
      const refused = await send('refused');
      expect(refused.statusCode).toBe(503);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused.json()).toMatchObject({ status: 503, message: 'Ingestion is saturated, retry shortly' });
      const rows = await storedEvents(t, p.id);
      expect(rows.map((r) => r.name)).toEqual(Array(60).fill('fits'));
    } finally {
      await t.close();
      await disposeEnv(t.env);
    }
  });
});
