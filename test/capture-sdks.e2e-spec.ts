import { randomUUID } from 'node:crypto';
import { Analytics } from '@segment/analytics-node';
import { PostHog } from 'posthog-node';
import { DataSource } from 'typeorm';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { type Credentials, useTestApp } from './setup/test-app';
import { storedEvents, storedProfile } from './setup/stores';

describe('Real SDKs against a running server (posthog-node, @segment/analytics-node, a Commanders Act request)', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let pub: Credentials;
  let host: string;
  let db: DataSource;

  beforeAll(async () => {
    p = await createProject(t, { name: 'SDKs' });
    pub = await createClient(t, { name: 'sdk key', mode: 'write', projectId: p.id, public: true });
    await t.app.listen(0, '127.0.0.1');
    host = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    db = t.app.get(DataSource);
  });

  const stored = (name: string) => storedEvents(t, p.id, 'name = {name:String}', { name });
  const profile = (id: string) => storedProfile(t, p.id, id);

  it('posthog-node (gzip): capture, identify, alias, groupIdentify; a resent uuid counts once', async () => {
    const posthog = new PostHog(pub.id, { host, flushAt: 100, flushInterval: 0, fetchRetryCount: 0 });
    const errors: unknown[] = [];
    posthog.on('error', (e) => errors.push(e));
    const user = `ph-${randomUUID()}`;
    const name = `ph_sdk_${randomUUID().slice(0, 8)}`;
    const uuid = randomUUID();

    posthog.identify({ distinctId: user, properties: { email: 'ph@example.com', plan: 'pro' } });
    posthog.capture({
      distinctId: user,
      event: name,
      uuid,
      properties: { $current_url: 'https://app.example.com/home', n: 1 },
      groups: { company: `co-${user}` },
    });
    posthog.capture({ distinctId: user, event: name, uuid, properties: { n: 1 } });
    posthog.alias({ distinctId: user, alias: `alias-${user}` });
    posthog.groupIdentify({ groupType: 'company', groupKey: `co-${user}`, properties: { name: 'Acme SDK', seats: 4 } });
    posthog.capture({ distinctId: `alias-${user}`, event: `${name}_later` });
    await posthog.shutdown();
    expect(errors).toEqual([]);

    const rows = await stored(name);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: uuid,
      profile_id: user,
      path: '/home',
      origin: 'https://app.example.com',
      groups: [`co-${user}`],
      sdk_name: 'posthog-node',
    });
    expect(await profile(user)).toMatchObject({ email: 'ph@example.com', properties: { plan: 'pro' } });
    const [group] = await db.query(`SELECT type, name, properties FROM groups WHERE project_id = $1 AND id = $2`, [p.id, `co-${user}`]);
    expect(group).toEqual({ type: 'company', name: 'Acme SDK', properties: { seats: 4 } });
    const [later] = await stored(`${name}_later`);
    expect(later.profile_id).toBe(user);
  });

  it('posthog-node really sends gzip (Content-Encoding) to /batch/', async () => {
    const seen: { url: string; encoding: string | null }[] = [];
    const posthog = new PostHog(pub.id, {
      host,
      flushAt: 100,
      flushInterval: 0,
      fetch: (url: string, options: { headers?: Record<string, string> }) => {
        seen.push({ url, encoding: options.headers?.['Content-Encoding'] ?? null });
        return fetch(url, options as RequestInit) as never;
      },
    });
    const name = `ph_gzip_${randomUUID().slice(0, 8)}`;
    posthog.capture({ distinctId: 'gz', event: name });
    await posthog.shutdown();
    expect(seen).toEqual([{ url: `${host}/batch/`, encoding: 'gzip' }]);
    expect(await stored(name)).toHaveLength(1);
  });

  it('@segment/analytics-node: track, identify, page, group, alias', async () => {
    const analytics = new Analytics({ writeKey: pub.id, host, flushInterval: 50, maxRetries: 0 });
    const errors: unknown[] = [];
    analytics.on('error', (e) => errors.push(e));
    const user = `seg-${randomUUID()}`;
    const name = `seg_sdk_${randomUUID().slice(0, 8)}`;
    analytics.identify({ userId: user, traits: { email: 'seg@example.com', firstName: 'Grace', plan: 'team' } });
    analytics.track({ userId: user, event: name, properties: { total: 3 } });
    analytics.page({ userId: user, name: 'Docs', properties: { url: 'https://docs.example.com/start', marker: name } });
    analytics.group({ userId: user, groupId: `g-${user}`, traits: { name: 'Segment Co', type: 'company' } });
    analytics.alias({ userId: user, previousId: `prev-${user}` });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);

    const [row] = await stored(name);
    expect(row).toMatchObject({ profile_id: user, sdk_name: '@segment/analytics-node' });
    expect(row.properties).toMatchObject({ total: '3' });
    const page = (await stored('screen_view')).find((r) => r.properties.marker === name)!;
    expect(page).toMatchObject({ profile_id: user, path: '/start', origin: 'https://docs.example.com' });
    expect(await profile(user)).toMatchObject({
      email: 'seg@example.com',
      first_name: 'Grace',
      properties: { plan: 'team' },
      groups: [`g-${user}`],
    });
    const [alias] = await db.query(`SELECT profile_id FROM profile_aliases WHERE project_id = $1 AND alias = $2`, [p.id, `prev-${user}`]);
    expect(alias).toEqual({ profile_id: user });
  });

  it('server SDKs carry the secret in their key (CLIENT_ID:SECRET) with a client that is not public; a wrong secret is refused', async () => {
    // p.writeClient is the project's write client: not public, so without its secret a server is refused.
    const key = `${p.writeClient.id}:${p.writeClient.secret}`;
    const name = `keyed_${randomUUID().slice(0, 8)}`;
    const posthog = new PostHog(key, { host, flushAt: 100, flushInterval: 0, fetchRetryCount: 0 });
    const phErrors: unknown[] = [];
    posthog.on('error', (e) => phErrors.push(e));
    posthog.capture({ distinctId: 'keyed-user', event: `${name}_ph` });
    await posthog.shutdown();
    expect(phErrors).toEqual([]);

    const analytics = new Analytics({ writeKey: key, host, flushInterval: 50, maxRetries: 0 });
    const segErrors: unknown[] = [];
    analytics.on('error', (e) => segErrors.push(e));
    analytics.track({ userId: 'keyed-user', event: `${name}_seg` });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(segErrors).toEqual([]);
    expect(await stored(`${name}_ph`)).toHaveLength(1);
    expect(await stored(`${name}_seg`)).toHaveLength(1);

    // The key without its secret, and with a wrong one, are refused on every wire format.
    for (const bad of [p.writeClient.id, `${p.writeClient.id}:sec_${'0'.repeat(40)}`]) {
      const ph = await t.app.inject({
        method: 'POST',
        url: '/batch/',
        headers: { 'content-type': 'application/json' },
        payload: { api_key: bad, batch: [{ event: `${name}_bad`, distinct_id: 'u' }] },
      });
      expect(ph.statusCode).toBe(401);
      const seg = await t.app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${bad}:`).toString('base64')}` },
        payload: { userId: 'u', event: `${name}_bad` },
      });
      expect(seg.statusCode).toBe(401);
      const ca = await t.app.inject({
        method: 'POST',
        url: `/events?token=${encodeURIComponent(bad)}`,
        headers: { 'content-type': 'application/json' },
        payload: { event_name: `${name}_bad` },
      });
      expect(ca.statusCode).toBe(401);
    }
    const ca = await t.app.inject({
      method: 'POST',
      url: `/events?token=${encodeURIComponent(key)}`,
      headers: { 'content-type': 'application/json' },
      payload: { event_name: `${name}_ca` },
    });
    expect(ca.statusCode).toBe(200);
    expect(await stored(`${name}_bad`)).toHaveLength(0);
  });

  it('a Commanders Act v2 request built from their documented example', async () => {
    const name = `purchase_${randomUUID().slice(0, 8)}`;
    const res = await fetch(`${host}/events?tc_s=1234`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${pub.id}` },
      body: JSON.stringify({
        event_name: name,
        id: '7ccb0f0b-3e1f',
        currency: 'EUR',
        value: 12.5,
        revenue: 10.42,
        shipping_amount: 5,
        tax_amount: 2.08,
        payment_method: 'credit_card',
        items: [{ id: 'SKU_12345', quantity: 1, price: 12.5, product: { name: 'Jeans', category_1: 'Clothes' } }],
        user: { id: 'ca-sdk-user', consistent_anonymous_id: 'ca-sdk-anon', email: 'ca@example.com' },
        context: {
          event_id: randomUUID(),
          event_timestamp: Date.now() - 1000,
          page: { url: 'https://shop.example.com/confirmation', title: 'Order confirmed', referrer: 'https://shop.example.com/payment' },
          device: {
            ip: '1.1.1.1',
            user_agent:
              'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
          },
        },
      }),
    });
    expect(res.status).toBe(200);
    const [row] = await stored(name);
    expect(row).toMatchObject({ profile_id: 'ca-sdk-user', path: '/confirmation', country_code: 'AU', os: 'iOS', device: 'mobile' });
    expect(row.properties).toMatchObject({ currency: 'EUR', 'items.0.product.name': 'Jeans', __title: 'Order confirmed' });
  });
});
