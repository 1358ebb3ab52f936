import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { compressToBase64 } from 'lz-string';
import { DataSource } from 'typeorm';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { type Credentials, useTestApp } from './setup/test-app';
import { storedEvents, storedProfile, USER_AGENTS, type Row } from './setup/stores';

const CHROME = USER_AGENTS.chrome;
describe('PostHog capture (spec/capture.md checklist, each checked in the store)', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let pub: Credentials;
  let db: DataSource;
  let key: string;

  beforeAll(async () => {
    p = await createProject(t, { name: 'PostHog', cors: ['https://app.example.com'] });
    pub = await createClient(t, { name: 'posthog sdk', mode: 'write', projectId: p.id, public: true });
    key = pub.id;
    db = t.app.get(DataSource);
  });

  const inject = (method: 'GET' | 'POST', url: string, payload?: string | Buffer, headers: Record<string, string> = {}) =>
    t.app.inject({ method, url, payload, headers: { 'user-agent': 'posthog-node/5.0.0', ...headers } });
  const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    inject('POST', url, JSON.stringify(body), { 'content-type': 'application/json', ...headers });

  /** A fresh event name per test: each test reads only its own rows. */
  const unique = (prefix: string) => `${prefix}_${randomUUID().slice(0, 8)}`;
  const event = (name: string, extra: Record<string, unknown> = {}) => ({
    event: name,
    distinct_id: 'user-1',
    properties: { plan: 'pro' },
    ...extra,
  });

  const stored = (name: string) => storedEvents(t, p.id, 'name = {name:String}', { name });

  const profile = (id: string) => storedProfile(t, p.id, id);

  /** Sends `body` (built for a fresh event name) and expects one stored event with that name. */
  async function accepted(res: Promise<{ statusCode: number; body: string }>, name: string, count = 1): Promise<Row[]> {
    const r = await res;
    expect({ status: r.statusCode, body: r.body }).toEqual({ status: 200, body: '{"status":1}' });
    const rows = await stored(name);
    expect(rows).toHaveLength(count);
    return rows;
  }

  const time = (row: Row) => new Date(`${row.created_at}Z`).getTime();

  describe('decoding chain', () => {
    it('plain JSON: name, profile, time, properties, path and geo', async () => {
      const name = unique('plain');
      const at = new Date(Date.now() - 60_000).toISOString();
      const [row] = await accepted(
        postJson('/i/v0/e/', {
          api_key: key,
          batch: [
            event(name, {
              timestamp: at,
              properties: {
                $current_url: 'https://shop.example.com/cart?coupon=spring',
                $referrer: 'https://www.google.com/',
                $ip: '8.8.8.8',
                $raw_user_agent: CHROME,
                $lib: 'web',
                $lib_version: '1.449.0',
                plan: { tier: 'pro' },
              },
            }),
          ],
        }),
        name,
      );
      expect(row).toMatchObject({
        profile_id: 'user-1',
        path: '/cart',
        origin: 'https://shop.example.com',
        referrer: 'https://www.google.com',
        referrer_name: 'Google',
        country_code: 'US',
        city: 'Mountain View',
        browser: 'Chrome',
        sdk_name: 'web',
        sdk_version: '1.449.0',
      });
      expect(Math.abs(time(row) - Date.parse(at))).toBeLessThan(2_000);
      expect(row.properties).toMatchObject({ 'plan.tier': 'pro', '__query.coupon': 'spring' });
      expect(row.properties).not.toHaveProperty('token');
    });

    it('?_=ms corrects the clock skew of the batch', async () => {
      const name = unique('skew');
      const sentAt = Date.now() + 3_600_000; // the client's clock runs an hour ahead
      const [row] = await accepted(
        postJson(`/e/?_=${sentAt}`, [event(name, { api_key: key, timestamp: new Date(sentAt - 10_000).toISOString() })]),
        name,
      );
      expect(Math.abs(time(row) - (Date.now() - 10_000))).toBeLessThan(5_000);
    });

    it('gzip with a hint, without a hint as text/plain, and with Content-Encoding', async () => {
      const name = unique('gzip');
      const body = gzipSync(JSON.stringify({ api_key: key, batch: [event(name)] }));
      expect((await inject('POST', '/batch/?compression=gzip-js', body, { 'content-type': 'text/plain' })).statusCode).toBe(200);
      expect((await inject('POST', '/e/', body, { 'content-type': 'text/plain' })).statusCode).toBe(200);
      expect((await inject('POST', '/batch', body, { 'content-type': 'application/json', 'content-encoding': 'gzip' })).statusCode).toBe(
        200,
      );
      expect(await stored(name)).toHaveLength(3);
    });

    it('a whole body in base64; form data= plain, base64 with + as spaces, and lz64; GET ?data=', async () => {
      const name = unique('forms');
      const json = JSON.stringify([event(name, { api_key: key, properties: { text: 'a~~~>>>???' } })]);
      const b64 = Buffer.from(json).toString('base64');
      expect(b64).toContain('+');
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const results = [
        await inject('POST', '/e', b64, { 'content-type': 'text/plain' }),
        await inject('POST', '/e', `data=${encodeURIComponent(json)}`, form),
        await inject('POST', '/e', `data=${b64}&compression=base64`, form),
        await inject('POST', '/e', `data=${compressToBase64(json)}&compression=lz64`, form),
        await inject('GET', `/e/?data=${encodeURIComponent(b64)}`),
        await inject('GET', `/capture?data=${encodeURIComponent(json)}`),
      ];
      expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
      const rows = await stored(name);
      expect(rows).toHaveLength(6);
      expect(rows.every((r) => r.properties.text === 'a~~~>>>???')).toBe(true);
    });

    it('a GET with a body is read as a POST', async () => {
      const name = unique('getbody');
      await accepted(inject('GET', '/e', JSON.stringify(event(name, { api_key: key })), { 'content-type': 'application/json' }), name);
    });
  });

  describe("refusals in PostHog's error shape; nothing stored", () => {
    const validation = (detail: string) => ({ type: 'validation_error', code: 'invalid_payload', detail, attr: null });

    it('invalid gzip, invalid UTF-8, malformed JSON, empty → 400', async () => {
      const cases: [Buffer | string, string][] = [
        [Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03]), 'Body is not valid gzip'],
        [Buffer.concat([Buffer.from('{"event":"x","api_key":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]), 'Body is not valid UTF-8'],
        ['{"event":', 'Body is not valid JSON'],
        ['', 'No data found in the request'],
      ];
      for (const [body, detail] of cases) {
        const res = await inject('POST', '/e/', body, { 'content-type': 'text/plain' });
        expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 400, body: validation(detail) });
      }
    });

    it('a gzip batch of over 32 KB (inflated in the pool, not inline) is stored whole', async () => {
      const name = unique('gzbig');
      // Random text does not compress: 400 events make a compressed body of about 40 KB.
      const batch = Array.from({ length: 400 }, (_, i) => event(name, { properties: { i, noise: randomBytes(96).toString('base64') } }));
      const body = gzipSync(JSON.stringify({ api_key: key, batch }));
      expect(body.length).toBeGreaterThan(32 * 1024);
      await accepted(inject('POST', '/batch', body, { 'content-type': 'application/json', 'content-encoding': 'gzip' }), name, 400);
    });

    it('a gzip bomb → 413', async () => {
      const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024, 0x20), { level: 9 });
      const res = await inject('POST', '/batch', bomb, { 'content-type': 'text/plain' });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toEqual({
        type: 'validation_error',
        code: 'payload_too_large',
        detail: 'Decompressed body is too large',
        attr: null,
      });
    });

    it('over 20 MB → 413, and the next request on the same connection works', async () => {
      await t.app.listen(0, '127.0.0.1');
      const { port } = t.app.getHttpServer().address() as { port: number };
      const name = unique('after413');
      const big = Buffer.alloc(21 * 1024 * 1024, 0x61);
      const good = JSON.stringify(event(name, { api_key: key }));
      const socket = connect(port, '127.0.0.1');
      const answers: string[] = [];
      let text = '';
      const done = new Promise<void>((resolve, reject) => {
        socket.on('data', (chunk) => {
          text += chunk.toString('latin1');
          const parts = text.split(/(?=HTTP\/1\.1 )/);
          if (parts.length >= 2 && /\r\n\r\n[\s\S]*\{"status":1\}/.test(parts[1])) resolve();
        });
        socket.on('error', reject);
        socket.on('close', () => resolve());
      });
      socket.write(`POST /batch/ HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${big.length}\r\n\r\n`);
      socket.write(big);
      socket.write(
        `POST /e/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(good)}\r\n\r\n${good}`,
      );
      await done;
      socket.destroy();
      answers.push(...text.split(/(?=HTTP\/1\.1 )/).map((a) => a.split('\r\n')[0]));
      expect(answers).toEqual(['HTTP/1.1 413 Payload Too Large', 'HTTP/1.1 200 OK']);
      expect(text).toContain('"code":"payload_too_large"');
      expect(await stored(name)).toHaveLength(1);
    });
  });

  describe('tokens', () => {
    it('every location: batch api_key/token, event api_key, token, $token, properties.token, ?token=, ?api_key=', async () => {
      const name = unique('tokens');
      const bodies: [string, unknown][] = [
        ['/batch', { api_key: key, batch: [event(name)] }],
        ['/batch', { token: key, batch: [event(name)] }],
        ['/e', [event(name, { api_key: key })]],
        ['/e', [event(name, { token: key })]],
        ['/e', event(name, { $token: key })],
        ['/capture', event(name, { properties: { token: key } })],
        [`/capture?token=${key}`, event(name)],
        [`/capture/?api_key=${key}`, [event(name)]],
      ];
      for (const [url, body] of bodies) expect((await postJson(url, body)).statusCode).toBe(200);
      expect(await stored(name)).toHaveLength(bodies.length);
    });

    it('the batch key wins; mixed tokens, a missing or an unknown key → 401', async () => {
      const name = unique('badkeys');
      expect((await postJson('/batch', { api_key: key, batch: [event(name, { api_key: 'other' })] })).statusCode).toBe(200);
      const auth = (detail: string) => ({ type: 'authentication_error', code: 'invalid_api_key', detail, attr: null });
      const mixed = await postJson('/batch', [event(name, { api_key: key }), event(name, { api_key: randomUUID() })]);
      expect({ status: mixed.statusCode, body: mixed.json() }).toEqual({
        status: 401,
        body: auth('Several different API keys in one request'),
      });
      const missing = await postJson('/e', [event(name)]);
      expect(missing.statusCode).toBe(401);
      expect(missing.json().detail).toMatch(/^API key not provided/);
      const unknown = await postJson('/e', [event(name, { api_key: randomUUID() })]);
      expect({ status: unknown.statusCode, body: unknown.json() }).toEqual({ status: 401, body: auth('Invalid client credentials') });
      const notUuid = await postJson('/e', [event(name, { api_key: 'phc_abc' })]);
      expect(notUuid.statusCode).toBe(401);
      expect(await stored(name)).toHaveLength(1);
    });

    it('a non-public client needs its secret or an allowed Origin; a read client is refused', async () => {
      const name = unique('modes');
      const body = (k: string) => ({ api_key: k, batch: [event(name)] });
      const plain = p.writeClient;
      expect((await postJson('/batch', body(plain.id))).statusCode).toBe(401);
      expect((await postJson('/batch', body(plain.id), { 'openpanel-client-secret': plain.secret })).statusCode).toBe(200);
      const browser = await postJson('/batch', body(plain.id), { origin: 'https://app.example.com', 'user-agent': CHROME });
      expect(browser.statusCode).toBe(200);
      expect(browser.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect((await postJson('/batch', body(plain.id), { origin: 'https://evil.example.net' })).statusCode).toBe(401);
      const reader = await createClient(t, { name: 'reader', mode: 'read', projectId: p.id });
      expect((await postJson('/batch', body(reader.id), { 'openpanel-client-secret': reader.secret })).statusCode).toBe(401);
      expect(await stored(name)).toHaveLength(2);
    });
  });

  describe('event fields and their meaning', () => {
    it('distinct_id at the root, as $distinct_id, in properties; numbers and objects stringified', async () => {
      const name = unique('distinct');
      const events = [
        { event: name, distinct_id: 42, timestamp: '2024-01-01T00:00:01Z' },
        { event: name, $distinct_id: 'root-dollar', timestamp: '2024-01-01T00:00:02Z' },
        { event: name, properties: { distinct_id: 'in-props' }, timestamp: '2024-01-01T00:00:03Z' },
        { event: name, distinct_id: { id: 7 }, timestamp: '2024-01-01T00:00:04Z' },
      ];
      const rows = await accepted(postJson('/batch', { api_key: key, batch: events }), name, 4);
      expect(rows.map((r) => r.profile_id)).toEqual(['42', 'root-dollar', 'in-props', '{"id":7}']);
    });

    it('uuid is kept; an invalid uuid → 400 with nothing stored; a retried batch counts once', async () => {
      const name = unique('uuid');
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      const body = { api_key: key, batch: ids.map((uuid) => event(name, { uuid })) };
      const gz = gzipSync(JSON.stringify(body));
      for (let i = 0; i < 3; i++)
        expect((await inject('POST', '/batch/', gz, { 'content-type': 'application/json', 'content-encoding': 'gzip' })).statusCode).toBe(
          200,
        );
      const rows = await stored(name);
      expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
      const bad = await postJson('/batch', { api_key: key, batch: [event(name, { uuid: randomUUID() }), event(name, { uuid: 'nope' })] });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().detail).toBe('Event 1: "uuid" is not a valid UUID');
      expect(await stored(name)).toHaveLength(3);
    });

    it('a missing event name → 400', async () => {
      const res = await postJson('/batch', { api_key: key, batch: [{ distinct_id: 'x' }] });
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toBe('Event 0: Missing "event"');
    });

    it('clock skew: sent_at 12:00:05 and timestamp 11:59:55 at 12:00:00 → 10 s before reception; offset 3600000 → an hour before', async () => {
      const name = unique('clock');
      const now = Date.now();
      const before = now;
      await accepted(
        postJson('/batch', {
          api_key: key,
          sent_at: new Date(now + 5_000).toISOString(),
          batch: [
            event(name, { timestamp: new Date(now - 5_000).toISOString(), properties: { which: 'skew' } }),
            event(name, { offset: 3_600_000, properties: { which: 'offset' } }),
          ],
        }),
        name,
        2,
      );
      const rows = await stored(name);
      const skew = rows.find((r) => r.properties.which === 'skew')!;
      const offset = rows.find((r) => r.properties.which === 'offset')!;
      expect(Math.abs(time(skew) - (before - 10_000))).toBeLessThan(3_000);
      expect(Math.abs(time(offset) - (before - 3_600_000))).toBeLessThan(3_000);
    });

    it('$set and $set_once update the profile', async () => {
      const id = `set-${randomUUID()}`;
      const name = unique('setter');
      await accepted(
        postJson('/batch', {
          api_key: key,
          batch: [
            { event: name, distinct_id: id, $set: { email: 'ada@example.com', plan: 'free' }, properties: { $set_once: { first: 'a' } } },
          ],
        }),
        name,
      );
      await postJson('/batch', {
        api_key: key,
        batch: [{ event: '$set', distinct_id: id, properties: { $set: { plan: 'pro' }, $set_once: { first: 'b' } } }],
      });
      expect(await profile(id)).toMatchObject({ email: 'ada@example.com', properties: { plan: 'pro', first: 'a' } });
    });

    it("$identify with $anon_distinct_id: the anonymous id's later events belong to the user", async () => {
      const user = `user-${randomUUID()}`;
      const anon = `anon-${randomUUID()}`;
      const name = unique('after_identify');
      await postJson('/e', [
        { event: '$identify', distinct_id: user, api_key: key, properties: { $anon_distinct_id: anon, $set: { first_name: 'Ada' } } },
      ]);
      const [row] = await accepted(postJson('/e', [{ event: name, distinct_id: anon, api_key: key }]), name);
      expect(row.profile_id).toBe(user);
      expect(await profile(user)).toMatchObject({ first_name: 'Ada' });
    });

    it('$create_alias: events of the alias belong to the distinct id', async () => {
      const user = `user-${randomUUID()}`;
      const name = unique('after_alias');
      await postJson('/batch', {
        api_key: key,
        batch: [{ event: '$create_alias', distinct_id: user, properties: { alias: `alias-${user}` } }],
      });
      const [row] = await accepted(postJson('/batch', { api_key: key, batch: [{ event: name, distinct_id: `alias-${user}` }] }), name);
      expect(row.profile_id).toBe(user);
    });

    it('$groupidentify upserts the group; $groups on events fill the groups column', async () => {
      const name = unique('grouped');
      await postJson('/batch', {
        api_key: key,
        batch: [
          {
            event: '$groupidentify',
            distinct_id: '$company_acme',
            properties: { $group_type: 'company', $group_key: 'acme-ph', $group_set: { name: 'Acme', seats: 5 } },
          },
        ],
      });
      const [group] = await db.query(`SELECT type, name, properties FROM groups WHERE project_id = $1 AND id = 'acme-ph'`, [p.id]);
      expect(group).toEqual({ type: 'company', name: 'Acme', properties: { seats: 5 } });
      const [row] = await accepted(
        postJson('/batch', { api_key: key, batch: [event(name, { properties: { $groups: { company: 'acme-ph' } } })] }),
        name,
      );
      expect(row.groups).toEqual(['acme-ph']);
    });

    it('/engage: a legacy people update without event name', async () => {
      const id = `engage-${randomUUID()}`;
      const res = await postJson('/engage/', { $token: key, $distinct_id: id, $set: { plan: 'team' } });
      expect(res.statusCode).toBe(200);
      expect(await profile(id)).toMatchObject({ properties: { plan: 'team' } });
    });

    it('$pageview: $host + $pathname fill path and origin; $performance_event is dropped; ?beacon=1 → 204', async () => {
      const name = '$pageview';
      const marker = unique('pv');
      const res = await postJson('/e/?beacon=1', [
        {
          event: name,
          distinct_id: 'pv-user',
          api_key: key,
          properties: { $host: 'docs.example.com', $pathname: '/intro', $referrer: '$direct', marker },
        },
        { event: '$performance_event', distinct_id: 'pv-user', api_key: key, properties: { marker } },
      ]);
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      const rows = (await stored(name)).filter((r) => r.properties.marker === marker);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ path: '/intro', origin: 'https://docs.example.com', referrer: '' });
      expect(await stored('$performance_event')).toHaveLength(0);
    });

    it('an accepted event is visible through /export/events', async () => {
      const name = unique('exported');
      await accepted(
        postJson('/batch', {
          api_key: key,
          batch: [event(name, { distinct_id: 'exp-user', properties: { $current_url: 'https://a.example.com/x', $ip: '1.1.1.1' } })],
        }),
        name,
      );
      const res = await t.app.inject({
        method: 'GET',
        url: `/export/events?projectId=${p.id}&event=${name}`,
        headers: { 'openpanel-client-id': t.root.id, 'openpanel-client-secret': t.root.secret },
      });
      expect(res.statusCode).toBe(200);
      const [row] = res.json().data;
      expect(row).toMatchObject({ name, profileId: 'exp-user', path: '/x', country: 'Australia', city: 'Sydney' });
    });
  });

  describe('stubs and CORS', () => {
    it('/flags and /decide say "no flags"; /array/:token/config and config.js keep posthog-js quiet', async () => {
      const none = { featureFlags: {}, featureFlagPayloads: {}, errorsWhileComputingFlags: false };
      const flags = await inject('POST', '/flags/?v=2', gzipSync('{"token":"x"}'), {
        'content-type': 'text/plain',
        origin: 'https://app.example.com',
      });
      expect({ status: flags.statusCode, body: flags.json() }).toEqual({ status: 200, body: none });
      expect(flags.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(flags.headers['access-control-allow-credentials']).toBe('true');
      expect((await postJson('/decide/?v=3', { token: 'x' })).json()).toEqual(none);
      expect((await inject('GET', `/array/${key}/config`)).json()).toEqual({ supportedCompression: ['gzip', 'gzip-js'] });
      const script = await inject('GET', `/array/${key}/config.js`);
      expect(script.statusCode).toBe(200);
      expect(script.headers['content-type']).toMatch(/^application\/javascript/);
    });

    it('preflight: OPTIONS → 200 mirroring the origin and the requested headers', async () => {
      for (const url of ['/e/', '/batch', '/i/v0/e/', '/flags/', '/v1/batch', '/events']) {
        const res = await t.app.inject({
          method: 'OPTIONS',
          url,
          headers: { origin: 'https://x.example.org', 'access-control-request-headers': 'content-type' },
        });
        expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
        expect(res.headers['access-control-allow-origin']).toBe('https://x.example.org');
        expect(res.headers['access-control-allow-credentials']).toBe('true');
        expect(res.headers['access-control-allow-headers']).toBe('content-type');
      }
    });
  });
});
