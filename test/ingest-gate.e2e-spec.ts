import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { compressToBase64 } from 'lz-string';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { storedEvents, USER_AGENTS } from './setup/stores';
import { authHeaders, createTestApp, type Credentials, disposeEnv, type TestApp, useTestApp } from './setup/test-app';

const JSON_HEADERS = { 'content-type': 'application/json', 'user-agent': USER_AGENTS.chrome };

function trackBody(name: string) {
  return { type: 'track', payload: { name } };
}

/**
 * The ingestion gate (issue 14 §1, D1, D2, D7, D10, D11, D14): no request budget by default,
 * an opt-in one per sender or per client, failed authentication throttled before any hashing,
 * capture keys checked before bodies are decoded, and addresses believed only from who may
 * name them.
 */
describe('Ingestion gate', () => {
  describe('on the defaults', () => {
    const t = useTestApp({ MANAGE_RATE_LIMIT: '1000' });
    let site: CreatedProject;
    let publicClient: Credentials;

    beforeAll(async () => {
      site = await createProject(t, { name: 'Busy site', cors: ['https://shop.example.com', '*.apps.example.com'] });
      publicClient = await createClient(t, { name: 'public', mode: 'write', projectId: site.id, public: true });
    });

    const track = (headers: Record<string, string>, name: string, remoteAddress = '127.0.0.1') =>
      t.app.inject({ method: 'POST', url: '/track', headers: { ...JSON_HEADERS, ...headers }, payload: trackBody(name), remoteAddress });

    it('a busy site is never refused: 1,200 requests of one client from 136 visitors in a few seconds all answer 200', async () => {
      const codes = new Map<number, number>();
      for (let i = 0; i < 1200; i += 50) {
        const batch = await Promise.all(
          Array.from({ length: 50 }, (_, j) =>
            track({ 'openpanel-client-id': publicClient.id }, 'busy_site', `203.0.113.${(i + j) % 136}`),
          ),
        );
        for (const res of batch) codes.set(res.statusCode, (codes.get(res.statusCode) ?? 0) + 1);
      }
      expect(Object.fromEntries(codes)).toEqual({ 200: 1200 });
      const last = await track({ 'openpanel-client-id': publicClient.id }, 'busy_site');
      expect(last.headers['x-ratelimit-limit']).toBeUndefined();
      expect(await storedEvents(t, site.id, `name = 'busy_site'`)).toHaveLength(1201);
    });

    it('a flood of wrong secrets starts at most the budget of hashes; the rest is 429 before any hashing', async () => {
      const victim = await createClient(t, { name: 'flooded', mode: 'write', projectId: site.id });
      // A sender whose secret was verified before the flood is never refused.
      expect((await track(authHeaders(victim), 'before_flood', '198.51.100.1')).statusCode).toBe(200);
      const flood = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          track({ 'openpanel-client-id': victim.id, 'openpanel-client-secret': `sec_wrong_${i}` }, 'x', `192.0.2.${i}`),
        ),
      );
      const count = (code: number) => flood.filter((r) => r.statusCode === code).length;
      expect(count(401)).toBeLessThanOrEqual(10);
      expect(count(401) + count(429)).toBe(50);
      const refused = flood.find((r) => r.statusCode === 429)!;
      expect(refused.json()).toEqual({ status: 429, error: 'Too Many Requests', message: 'Too many failed authentications, retry later' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

      expect((await track(authHeaders(victim), 'after_flood', '198.51.100.1')).statusCode).toBe(200);
      // Browsers of the site (no secret) cost no hashing and are not concerned.
      expect((await track({ 'openpanel-client-id': publicClient.id }, 'browser_during_flood', '192.0.2.1')).statusCode).toBe(200);
      // Another client of the project is not concerned either.
      const other = await createClient(t, { name: 'bystander', mode: 'write', projectId: site.id });
      expect((await track(authHeaders(other), 'bystander', '198.51.100.2')).statusCode).toBe(200);
    });

    it('a secret not verified yet is refused while its client id is over budget: the check comes before the hash', async () => {
      const victim = await createClient(t, { name: 'guessed', mode: 'read', projectId: site.id });
      for (let i = 0; i < 10; i++) {
        const res = await t.app.inject({
          method: 'GET',
          url: '/export/events',
          headers: { 'openpanel-client-id': victim.id, 'openpanel-client-secret': `nope_${i}` },
          remoteAddress: `192.0.2.${100 + i}`,
        });
        expect(res.statusCode).toBe(401);
      }
      const right = await t.app.inject({
        method: 'GET',
        url: '/export/events',
        headers: authHeaders(victim),
        remoteAddress: '198.51.100.9',
      });
      expect(right.statusCode).toBe(429);
    });

    it('unknown client ids are looked up at most the budget of times per address', async () => {
      const codes: number[] = [];
      for (let i = 0; i < 12; i++)
        codes.push((await track({ 'openpanel-client-id': randomUUID(), 'openpanel-client-secret': 'x' }, 'x', '192.0.2.200')).statusCode);
      expect(codes).toEqual([...Array(10).fill(401), 429, 429]);
      expect((await track({ 'openpanel-client-id': randomUUID(), 'openpanel-client-secret': 'x' }, 'x', '192.0.2.201')).statusCode).toBe(
        401,
      );
    });

    it('believes client-ip headers only from senders with the secret, and proxy headers only behind TRUST_PROXY', async () => {
      const spoof = {
        'x-client-ip': '8.8.8.8',
        'x-forwarded-for': '8.8.8.8',
        'cf-connecting-ip': '8.8.8.8',
        'true-client-ip': '8.8.8.8',
        'x-real-ip': '8.8.8.8',
      };
      await track({ 'openpanel-client-id': publicClient.id, ...spoof }, 'spoofed_public');
      await track({ 'openpanel-client-id': site.writeClient.id, origin: 'https://shop.example.com', ...spoof }, 'spoofed_origin');
      await track({ ...authHeaders(site.writeClient), 'x-client-ip': '8.8.8.8' }, 'server_forwarded');
      await track({ ...authHeaders(site.writeClient), 'x-forwarded-for': '8.8.8.8' }, 'server_xff');
      const country = async (name: string) => (await storedEvents(t, site.id, 'name = {n:String}', { n: name }))[0]?.country;
      expect(await country('spoofed_public')).toBe('');
      expect(await country('spoofed_origin')).toBe('');
      expect(await country('server_forwarded')).toBe('United States');
      expect(await country('server_xff')).toBe('');
    });

    it("takes posthog-js's ?ip=1 for the flag it is, not for the visitor's address", async () => {
      const send = (remoteAddress: string) =>
        t.app.inject({
          method: 'POST',
          url: '/e/?ip=1&_=1700000000000&ver=1.200.0',
          headers: { 'content-type': 'application/json', 'user-agent': USER_AGENTS.chrome },
          payload: JSON.stringify([{ event: 'ph_ip_flag', properties: { token: publicClient.id, distinct_id: `v-${remoteAddress}` } }]),
          remoteAddress,
        });
      expect((await send('81.2.69.142')).statusCode).toBe(200);
      expect((await send('81.2.69.160')).statusCode).toBe(200);
      const rows = await storedEvents(t, site.id, `name = 'ph_ip_flag'`);
      expect(rows).toHaveLength(2);
      expect(new Set(rows.map((r) => r.device_id)).size).toBe(2);
      expect(rows.map((r) => r.country_code)).toEqual(['GB', 'GB']);
    });

    it('reads the host of a bare Origin only: a path or fragment after it does not match a wildcard', async () => {
      const send = (origin: string) => track({ 'openpanel-client-id': site.writeClient.id, origin }, 'origin_probe');
      expect((await send('https://a.apps.example.com')).statusCode).toBe(200);
      expect((await send('https://evil.com/.apps.example.com')).statusCode).toBe(401);
      expect((await send('https://evil.com#.apps.example.com')).statusCode).toBe(401);
    });

    it('answers preflights of /track and /track/batch, and lets an allowed origin (or any, for a public client) read the answer', async () => {
      for (const url of ['/track', '/track/batch']) {
        const pre = await t.app.inject({
          method: 'OPTIONS',
          url,
          headers: {
            origin: 'https://shop.example.com',
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'openpanel-client-id,content-type',
          },
        });
        expect(pre.statusCode).toBe(204);
        expect(pre.headers['access-control-allow-origin']).toBe('https://shop.example.com');
        expect(pre.headers['access-control-allow-headers']).toBe('openpanel-client-id,content-type');
        expect(String(pre.headers['access-control-allow-methods'])).toContain('POST');
      }
      const allowed = await track({ 'openpanel-client-id': site.writeClient.id, origin: 'https://shop.example.com' }, 'cors_allowed');
      expect(allowed.statusCode).toBe(200);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example.com');
      expect(allowed.headers.vary).toContain('Origin');
      const anyOrigin = await track({ 'openpanel-client-id': publicClient.id, origin: 'https://elsewhere.example.org' }, 'cors_public');
      expect(anyOrigin.headers['access-control-allow-origin']).toBe('https://elsewhere.example.org');
      const foreign = await track({ ...authHeaders(site.writeClient), origin: 'https://elsewhere.example.org' }, 'cors_foreign');
      expect(foreign.statusCode).toBe(200);
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('a guesser sharing an address with real senders (a NAT, a proxy)', () => {
    // Every request looks its client up again, as each one does once its cache entry ends.
    const t = useTestApp({ AUTH_CACHE_TTL_MS: '0' });

    it('does not shut them out: wrong secrets count against the client id, not the address', async () => {
      const site = await createProject(t, { name: 'Shared address' });
      const other = await createProject(t, { name: 'Other site' });
      const send = (headers: Record<string, string>) =>
        t.app.inject({
          method: 'POST',
          url: '/track',
          headers: { ...JSON_HEADERS, ...headers },
          payload: trackBody('shared'),
          remoteAddress: '192.0.2.50',
        });
      expect((await send(authHeaders(other.writeClient))).statusCode).toBe(200);
      const codes: number[] = [];
      for (let i = 0; i < 15; i++)
        codes.push((await send({ 'openpanel-client-id': site.writeClient.id, 'openpanel-client-secret': `sec_guess_${i}` })).statusCode);
      expect(codes).toEqual([...Array(10).fill(401), ...Array(5).fill(429)]);
      for (let i = 0; i < 3; i++) expect((await send(authHeaders(other.writeClient))).statusCode).toBe(200);
    });
  });

  describe('capture bodies are decoded only after the key is checked (D2, D7)', () => {
    const t = useTestApp({ MANAGE_RATE_LIMIT: '1000' });
    let site: CreatedProject;

    beforeAll(async () => {
      site = await createProject(t, { name: 'Capture site' });
    });

    /** A gzip body whose key can be read from its start and whose end is broken: decoding it all fails. */
    function brokenGzip(apiKey: string): Buffer {
      const events = Array.from({ length: 3000 }, (_, i) => ({ event: 'e', distinct_id: `u${i}`, properties: { filler: 'x'.repeat(40) } }));
      const body = gzipSync(Buffer.from(JSON.stringify({ api_key: apiKey, batch: events })));
      body.fill(0, body.length - 8);
      return body;
    }

    const post = (url: string, payload: Buffer | string, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
      t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'text/plain', ...headers }, remoteAddress });

    it('an unknown key at the start of a gzip body is refused before the rest is inflated', async () => {
      const res = await post('/batch/', brokenGzip(randomUUID()), { 'content-encoding': 'gzip' });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
      // The same body under a known key is decoded, and its broken end found.
      const known = await post('/batch/', brokenGzip(site.writeClient.id), {
        'content-encoding': 'gzip',
        'openpanel-client-secret': site.writeClient.secret,
      });
      expect(known.statusCode).toBe(400);
    });

    it('a body whose key cannot be seen without decoding it is decoded, and an address that keeps failing is refused first', async () => {
      // lz64 (legacy posthog-js) cannot be read without decoding it whole.
      const hidden = compressToBase64(JSON.stringify({ api_key: randomUUID(), batch: [{ event: 'e', distinct_id: 'u' }] }));
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) codes.push((await post('/batch/?compression=lz64', hidden, {}, '192.0.2.77')).statusCode);
      expect(codes).toEqual([...Array(10).fill(401), 429, 429]);
      expect((await post('/batch/?compression=lz64', hidden, {}, '192.0.2.78')).statusCode).toBe(401);
      // Undecodable bodies count as failures too.
      const junk: number[] = [];
      for (let i = 0; i < 11; i++) junk.push((await post('/batch/?compression=lz64', '!!!', {}, '192.0.2.79')).statusCode);
      expect(junk).toEqual([...Array(10).fill(400), 429]);
    });

    it('caps the events of one PostHog request (5,000) and what its body may inflate to (20 MB)', async () => {
      const batch = (n: number) =>
        JSON.stringify({
          api_key: site.writeClient.id,
          batch: Array.from({ length: n }, (_, i) => ({ event: 'capped', distinct_id: `u${i % 50}` })),
        });
      const secret = { 'openpanel-client-secret': site.writeClient.secret };
      const over = await post('/batch/', gzipSync(batch(5001)), { ...secret, 'content-encoding': 'gzip' });
      expect(over.statusCode).toBe(413);
      expect(over.json()).toMatchObject({ code: 'payload_too_large', detail: 'A request carries at most 5000 events' });
      expect((await post('/batch/', gzipSync(batch(5000)), { ...secret, 'content-encoding': 'gzip' })).statusCode).toBe(200);
      const bomb = gzipSync(
        Buffer.from(
          `{"api_key":"${site.writeClient.id}","batch":[{"event":"e","distinct_id":"u","properties":{"p":"${'x'.repeat(21 * 1024 * 1024)}"}}]}`,
        ),
      );
      const big = await post('/batch/', bomb, { ...secret, 'content-encoding': 'gzip' });
      expect(big.statusCode).toBe(413);
      expect(await storedEvents(t, site.id, `name = 'capped'`)).toHaveLength(5000);
    });
  });

  describe('opt-in ingestion budget (TRACK_RATE_LIMIT)', () => {
    const started: TestApp[] = [];
    afterAll(async () => {
      for (const t of started) {
        await t.close();
        await disposeEnv(t.env);
      }
    });
    async function app(env: Record<string, string>): Promise<{ t: TestApp; site: CreatedProject }> {
      const t = await createTestApp(env);
      started.push(t);
      return { t, site: await createProject(t, { name: 'Budgeted' }) };
    }

    it('per sender IP by default: each visitor has its own budget, with the limit headers', async () => {
      const { t, site } = await app({ TRACK_RATE_LIMIT: '3' });
      const send = (ip: string) =>
        t.app.inject({
          method: 'POST',
          url: '/track',
          headers: { ...JSON_HEADERS, ...authHeaders(site.writeClient), 'x-client-ip': ip },
          payload: trackBody('budget'),
        });
      const a = [];
      for (let i = 0; i < 4; i++) a.push(await send('81.2.69.142'));
      expect(a.map((r) => r.statusCode)).toEqual([200, 200, 200, 429]);
      expect(a[0].headers['x-ratelimit-limit']).toBe('3');
      expect(a[2].headers['x-ratelimit-remaining']).toBe('0');
      expect(a[3].json()).toEqual({ status: 429, error: 'Too Many Requests', message: 'Rate limit exceeded: 3 requests per 10 s' });
      expect((await send('81.2.69.143')).statusCode).toBe(200);
    });

    it('per client: every sender of one key together; a capture body over budget is refused before it is decoded', async () => {
      const { t, site } = await app({ TRACK_RATE_LIMIT: '2', TRACK_RATE_LIMIT_BY: 'client' });
      const send = (ip: string) =>
        t.app.inject({
          method: 'POST',
          url: '/track',
          headers: { ...JSON_HEADERS, ...authHeaders(site.writeClient), 'x-client-ip': ip },
          payload: trackBody('budget'),
        });
      expect((await send('81.2.69.142')).statusCode).toBe(200);
      expect((await send('81.2.69.143')).statusCode).toBe(200);
      expect((await send('81.2.69.144')).statusCode).toBe(429);
      const broken = Buffer.concat([Buffer.from(`{"api_key":"${site.writeClient.id}","batch":[`), Buffer.from('not json at all')]);
      const capture = await t.app.inject({
        method: 'POST',
        url: '/batch/',
        payload: broken,
        headers: { 'content-type': 'application/json', 'openpanel-client-secret': site.writeClient.secret },
      });
      expect(capture.statusCode).toBe(429);
      expect(capture.json()).toMatchObject({ code: 'rate_limited' });
    });
  });
});
