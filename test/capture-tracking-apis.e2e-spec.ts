import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { type Credentials, useTestApp } from './setup/test-app';
import { storedEvents, storedProfile, USER_AGENTS } from './setup/stores';

const CHROME = USER_AGENTS.chrome;

describe('Segment and Commanders Act tracking APIs (spec/capture.md checklist, each checked in the store)', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let pub: Credentials;
  let db: DataSource;

  beforeAll(async () => {
    p = await createProject(t, { name: 'Tracking APIs' });
    pub = await createClient(t, { name: 'server sdk', mode: 'write', projectId: p.id, public: true });
    db = t.app.get(DataSource);
  });

  const unique = (prefix: string) => `${prefix}_${randomUUID().slice(0, 8)}`;
  const basic = (user: string, password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  const stored = (where: string, params: Record<string, unknown> = {}) => storedEvents(t, p.id, where, params);
  const named = (name: string) => stored('name = {name:String}', { name });

  const profile = (id: string) => storedProfile(t, p.id, id);

  describe('Segment HTTP Tracking API', () => {
    const segment = (call: string, body: unknown, headers: Record<string, string> = { authorization: basic(pub.id) }) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/${call}`,
        headers: { 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(body),
      });

    it('track: name, profile, time, properties, geo, sdk; 200 { success: true }', async () => {
      const name = unique('Order Completed');
      const res = await segment('track', {
        event: name,
        userId: 'seg-user',
        anonymousId: 'seg-anon',
        messageId: `m-${name}`,
        timestamp: '2024-03-01T10:00:00.000Z',
        properties: { total: 12.5, items: [{ sku: 'a' }] },
        context: {
          ip: '8.8.8.8',
          userAgent: CHROME,
          library: { name: 'analytics.js', version: '2.0.0' },
          page: { url: 'https://shop.example.com/checkout' },
        },
      });
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 200, body: { success: true } });
      const [row] = await named(name);
      expect(row).toMatchObject({
        profile_id: 'seg-user',
        created_at: '2024-03-01 10:00:00.000',
        country_code: 'US',
        browser: 'Chrome',
        sdk_name: 'analytics.js',
        path: '/checkout',
        origin: 'https://shop.example.com',
      });
      expect(row.properties).toMatchObject({ total: '12.5', 'items.0.sku': 'a' });
    });

    it('gzip (Content-Encoding) is inflated; a small bomb past the 8 MB cap → 400, and the next call works', async () => {
      const name = unique('gzipped');
      const gz = (body: unknown) => gzipSync(JSON.stringify(body));
      const post = (payload: Buffer) =>
        t.app.inject({
          method: 'POST',
          url: '/v1/batch',
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: basic(pub.id) },
          payload,
        });
      expect((await post(gz({ batch: [{ type: 'track', event: name, userId: 'u', messageId: `m-${name}` }] }))).statusCode).toBe(200);
      expect(await named(name)).toHaveLength(1);
      // About 30 KB compressed (inflated inline, on the event loop) and 30 MB inflated.
      const bomb = gzipSync(Buffer.alloc(30 * 1024 * 1024, 0x20), { level: 9 });
      expect(bomb.length).toBeLessThan(32 * 1024);
      const refused = await post(bomb);
      expect({ status: refused.statusCode, body: refused.json() }).toEqual({
        status: 400,
        body: { success: false, message: 'Decompressed body is too large' },
      });
      const after = unique('after-bomb');
      expect((await post(gz({ batch: [{ type: 'track', event: after, userId: 'u', messageId: `m-${after}` }] }))).statusCode).toBe(200);
      expect(await named(after)).toHaveLength(1);
    });

    it('a retried messageId is counted once', async () => {
      const name = unique('retried');
      for (let i = 0; i < 3; i++)
        expect((await segment('track', { event: name, userId: 'u', messageId: 'same-message' })).statusCode).toBe(200);
      expect(await named(name)).toHaveLength(1);
    });

    it('page and screen are stored as screen_view with the page', async () => {
      const marker = unique('page');
      await segment('page', {
        anonymousId: 'page-anon',
        name: 'Pricing',
        properties: { url: 'https://example.com/pricing', title: 'Pricing', marker },
      });
      await segment('screen', { userId: 'screen-user', name: 'Settings', properties: { marker } });
      const rows = (await named('screen_view')).filter((r) => r.properties.marker === marker);
      expect(rows.map((r) => [r.profile_id, r.path])).toEqual(
        expect.arrayContaining([
          ['page-anon', '/pricing'],
          ['screen-user', 'Settings'],
        ]),
      );
      expect(rows.find((r) => r.profile_id === 'page-anon')!.properties).toMatchObject({ name: 'Pricing', __title: 'Pricing' });
    });

    it('identify updates the profile and aliases the anonymous id; group; alias', async () => {
      const user = `seg-${randomUUID()}`;
      expect(
        (
          await segment('identify', {
            userId: user,
            anonymousId: `anon-${user}`,
            traits: { email: 'ada@example.com', firstName: 'Ada', plan: 'pro' },
          })
        ).statusCode,
      ).toBe(200);
      expect(await profile(user)).toMatchObject({ email: 'ada@example.com', first_name: 'Ada', properties: { plan: 'pro' } });
      expect(
        (await segment('group', { userId: user, groupId: `g-${user}`, traits: { name: 'Acme', type: 'company', seats: 3 } })).statusCode,
      ).toBe(200);
      const [group] = await db.query(`SELECT type, name, properties FROM groups WHERE project_id = $1 AND id = $2`, [p.id, `g-${user}`]);
      expect(group).toEqual({ type: 'company', name: 'Acme', properties: { seats: 3 } });
      expect((await profile(user))!.groups).toEqual([`g-${user}`]);
      expect((await segment('alias', { userId: user, previousId: `old-${user}` })).statusCode).toBe(200);
      const name = unique('aliased');
      await segment('track', { event: name, userId: `old-${user}` });
      await segment('track', { event: name, anonymousId: `anon-${user}` });
      expect((await named(name)).map((r) => r.profile_id)).toEqual([user, user]);
    });

    it('auth: Basic (password empty or the secret), writeKey in the body; missing or unknown key → 401', async () => {
      const name = unique('auth');
      const writer = p.writeClient;
      expect((await segment('track', { event: name, userId: 'u' }, { authorization: basic(pub.id) })).statusCode).toBe(200);
      expect((await segment('track', { event: name, userId: 'u', writeKey: pub.id }, {})).statusCode).toBe(200);
      expect((await segment('track', { event: name, userId: 'u' }, { authorization: basic(writer.id, writer.secret) })).statusCode).toBe(
        200,
      );
      const noSecret = await segment('track', { event: name, userId: 'u' }, { authorization: basic(writer.id) });
      expect(noSecret.statusCode).toBe(401);
      expect(noSecret.json()).toEqual({ success: false, message: 'Ingestion: Missing client secret' });
      expect((await segment('track', { event: name, userId: 'u' }, {})).statusCode).toBe(401);
      expect((await segment('track', { event: name, userId: 'u' }, { authorization: basic(randomUUID()) })).statusCode).toBe(401);
      expect(await named(name)).toHaveLength(3);
    });

    it('batch merges its context and integrations into each item; items without ids are dropped, still 200', async () => {
      const name = unique('batched');
      const res = await segment('batch', {
        context: { ip: '1.1.1.1', library: { name: 'analytics-python', version: '2.3.0' } },
        batch: [
          { type: 'track', event: name, userId: 'b1', properties: { i: 1 } },
          { type: 'track', event: name, userId: 'b2', context: { ip: '8.8.8.8' }, properties: { i: 2 } },
          { type: 'track', event: name, properties: { i: 3 } },
          { type: 'identify', userId: `b-${name}`, traits: { plan: 'team' } },
        ],
      });
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 200, body: { success: true } });
      const rows = await named(name);
      expect(rows.map((r) => [r.profile_id, r.country_code, r.sdk_name]).sort()).toEqual([
        ['b1', 'AU', 'analytics-python'],
        ['b2', 'US', 'analytics-python'],
      ]);
      expect(await profile(`b-${name}`)).toMatchObject({ properties: { plan: 'team' } });
    });

    it('2501 items, invalid JSON, a single call over 32 KB or a batch over 500 KB → 400', async () => {
      const tooMany = await segment('batch', { batch: Array.from({ length: 2501 }, () => ({ type: 'track', event: 'x', userId: 'u' })) });
      expect({ status: tooMany.statusCode, body: tooMany.json() }).toEqual({
        status: 400,
        body: { success: false, message: 'A batch holds at most 2500 items' },
      });
      const bad = await t.app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: { authorization: basic(pub.id), 'content-type': 'application/json' },
        payload: '{"event":',
      });
      expect({ status: bad.statusCode, body: bad.json() }).toEqual({
        status: 400,
        body: { success: false, message: 'Body is not valid JSON' },
      });
      const big = await segment('track', { event: 'big', userId: 'u', properties: { blob: 'x'.repeat(33 * 1024) } });
      expect({ status: big.statusCode, body: big.json() }).toEqual({
        status: 400,
        body: { success: false, message: 'Request body is too large' },
      });
      const bigBatch = await segment('batch', {
        batch: Array.from({ length: 20 }, () => ({
          type: 'track',
          event: 'big',
          userId: 'u',
          properties: { blob: 'x'.repeat(30 * 1024) },
        })),
      });
      expect(bigBatch.statusCode).toBe(400);
      const fine = await segment('batch', {
        batch: Array.from({ length: 12 }, () => ({
          type: 'track',
          event: unique('fits'),
          userId: 'u',
          properties: { blob: 'x'.repeat(30 * 1024) },
        })),
      });
      expect(fine.statusCode).toBe(200);
      expect(await named('big')).toHaveLength(0);
    });
  });

  describe('Commanders Act HTTP Tracking API', () => {
    const events = (body: unknown, { query = `?tc_s=1234&token=${pub.id}`, headers = {} as Record<string, string> } = {}) =>
      t.app.inject({
        method: 'POST',
        url: `/events${query}`,
        headers: { 'content-type': 'application/json', ...headers },
        payload: typeof body === 'string' ? body : JSON.stringify(body),
      });

    /** The v2 example of Commanders Act's documentation, with our names. */
    const v2 = (name: string) => ({
      event_name: name,
      id: 'order-1234',
      revenue: 80,
      value: 90,
      currency: 'EUR',
      items: [{ id: 'sku-1', quantity: 1, price: 90, product: { name: 'Shoes' } }],
      user: { id: 'ca-user', consistent_anonymous_id: 'ca-anon', email: 'buyer@example.com' },
      context: {
        event_id: `ev-${name}`,
        event_timestamp: Date.parse('2024-02-01T09:30:00Z'),
        page: { url: 'https://shop.example.com/thanks?order=1234', title: 'Thank you', referrer: 'https://shop.example.com/cart' },
        device: { ip: '8.8.8.8', user_agent: CHROME },
      },
    });

    it('v2: event data at the root, user and context; 200', async () => {
      const name = unique('purchase');
      const res = await events(v2(name));
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 200, body: { success: true } });
      const [row] = await named(name);
      expect(row).toMatchObject({
        profile_id: 'ca-user',
        created_at: '2024-02-01 09:30:00.000',
        path: '/thanks',
        origin: 'https://shop.example.com',
        country_code: 'US',
        browser: 'Chrome',
      });
      expect(row.properties).toMatchObject({
        id: 'order-1234',
        value: '90',
        currency: 'EUR',
        'items.0.product.name': 'Shoes',
        __title: 'Thank you',
        '__query.order': '1234',
      });
      expect(await profile('ca-user')).toMatchObject({ email: 'buyer@example.com' });
      expect((await events(v2(name))).statusCode).toBe(200);
      expect(await named(name)).toHaveLength(1);
    });

    it('v1: data in properties, context at the root; Bearer token', async () => {
      const name = unique('v1_view');
      const body = {
        event_name: name,
        event_timestamp: Date.parse('2024-02-02T08:00:00Z'),
        page: { url: 'https://news.example.com/a' },
        user: { consistent_anonymous_id: 'v1-anon' },
        properties: { section: 'sport' },
      };
      expect((await events(body, { query: '?tc_s=1', headers: { authorization: `Bearer ${pub.id}` } })).statusCode).toBe(200);
      const [row] = await named(name);
      expect(row).toMatchObject({ profile_id: 'v1-anon', path: '/a', created_at: '2024-02-02 08:00:00.000' });
      expect(row.properties).toMatchObject({ section: 'sport' });
    });

    it('33 KB → 400, bad JSON → 400, a content type other than JSON → 400, else 200 (even without event_name)', async () => {
      const big = await events({ ...v2('big_ca'), blob: 'x'.repeat(33 * 1024) });
      expect({ status: big.statusCode, body: big.json() }).toEqual({
        status: 400,
        body: { success: false, message: 'Request body is too large' },
      });
      expect((await events('{"event_name":')).statusCode).toBe(400);
      const text = await t.app.inject({
        method: 'POST',
        url: `/events?token=${pub.id}`,
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify(v2('text_ca')),
      });
      expect(text.statusCode).toBe(400);
      expect((await events({ user: { id: 'x' } })).statusCode).toBe(200);
      expect(await named('big_ca')).toHaveLength(0);
      expect(await named('text_ca')).toHaveLength(0);
    });

    it('a missing or unknown key → 401', async () => {
      expect((await events(v2('nokey'), { query: '?tc_s=1' })).statusCode).toBe(401);
      expect((await events(v2('nokey'), { query: `?token=${randomUUID()}` })).statusCode).toBe(401);
      expect(await named('nokey')).toHaveLength(0);
    });
  });

  describe('each Segment route declares its own body cap (its decoder reads no URL)', () => {
    const post = (url: string, body: unknown) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', authorization: basic(pub.id) },
        payload: JSON.stringify(body),
      });

    it("the trailing-slash twins keep their route's cap: /v1/batch/ takes 90 KB, /v1/track/ refuses 33 KB", async () => {
      const name = unique('twin_cap');
      const batch = await post('/v1/batch/', {
        batch: Array.from({ length: 3 }, () => ({ type: 'track', event: name, userId: 'u', properties: { blob: 'x'.repeat(30 * 1024) } })),
      });
      expect({ status: batch.statusCode, body: batch.json() }).toEqual({ status: 200, body: { success: true } });
      expect(await named(name)).toHaveLength(3);
      const single = await post('/v1/track/', { event: `${name}_big`, userId: 'u', properties: { blob: 'x'.repeat(33 * 1024) } });
      expect({ status: single.statusCode, body: single.json() }).toEqual({
        status: 400,
        body: { success: false, message: 'Request body is too large' },
      });
      expect(await named(`${name}_big`)).toHaveLength(0);
    });
  });
});
