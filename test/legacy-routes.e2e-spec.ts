import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { authHeaders, createTestApp, type Credentials, disposeEnv, type TestApp, useTestApp } from './setup/test-app';
import { storedEvents, storedProfile, USER_AGENTS } from './setup/stores';

/**
 * OpenPanel's routes for older SDKs (anchors/openpanel-api.md §3): POST /profile,
 * /profile/increment, /profile/decrement, /event and GET /track/device-id, through HTTP on
 * the real stores, with /track's credentials, bot rule and pipeline.
 */
const { chrome: CHROME, iphone: IPHONE } = USER_AGENTS;
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const SITE = 'https://shop.example.com';

describe('Legacy ingestion routes: /profile, /profile/increment|decrement, /event, /track/device-id', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let reader: Credentials;
  let pub: Credentials;

  beforeAll(async () => {
    p = await createProject(t, { name: 'Legacy', cors: [SITE] });
    reader = await createClient(t, { name: 'reader', mode: 'read', projectId: p.id });
    pub = await createClient(t, { name: 'public sdk', mode: 'write', projectId: p.id, public: true });
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...authHeaders(p.writeClient), 'user-agent': CHROME, ...headers },
      payload: payload as object,
    });
  const deviceId = (headers: Record<string, string>) =>
    t.app.inject({ method: 'GET', url: '/track/device-id', headers: { ...authHeaders(p.writeClient), ...headers } });
  const track = (payload: object, headers: Record<string, string>) => post('/track', { type: 'track', payload }, headers);
  const profile = (id: string) => storedProfile(t, p.id, id);
  const events = (where: string, params: Record<string, unknown> = {}) => storedEvents(t, p.id, where, params);

  describe('POST /profile', () => {
    it('202 with the profile id as text; stores the profile with the request’s place and device over its properties', async () => {
      const res = await post(
        '/profile',
        { profileId: 'ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', properties: { plan: 'pro', country: 'FR' } },
        { 'x-client-ip': '8.8.8.8' },
      );
      expect(res.statusCode).toBe(202);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toBe('ada');
      const row = await profile('ada');
      expect(row).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', is_external: true });
      // As OpenPanel: the request's fields win over the body's (country is the ISO code).
      expect(row!.properties).toEqual({
        plan: 'pro',
        country: 'US',
        city: 'Mountain View',
        region: 'California',
        longitude: expect.any(Number),
        latitude: expect.any(Number),
        os: 'Windows',
        os_version: '10',
        browser: 'Chrome',
        browser_version: '124.0.0.0',
        device: 'desktop',
      });
    });

    it('a numeric id is answered as text; a second call updates the same profile', async () => {
      const first = await post('/profile', { profileId: 7, firstName: 'Seven' }, { 'user-agent': IPHONE });
      expect([first.statusCode, first.body]).toEqual([202, '7']);
      await post('/profile', { profileId: '7', email: 'seven@example.com' }, { 'user-agent': IPHONE });
      expect(await profile('7')).toMatchObject({
        first_name: 'Seven',
        email: 'seven@example.com',
        properties: expect.objectContaining({ os: 'iOS', device: 'mobile', brand: 'Apple' }),
      });
    });

    it.each([
      ['no profileId', { firstName: 'x' }, ['profileId']],
      ['a bad email', { profileId: 'x', email: 'not-an-email' }, ['email']],
      ['properties not an object', { profileId: 'x', properties: 'plan' }, ['properties']],
      ['a profileId PostgreSQL cannot hold', { profileId: 'a\uD800b' }, ['profileId']],
    ])('%s → 400 with details named from the body, nothing stored', async (_label, body, path) => {
      const res = await post('/profile', body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        status: 400,
        error: 'Bad Request',
        details: expect.arrayContaining([expect.objectContaining({ path })]),
      });
      expect(await profile('x')).toBeUndefined();
    });
  });

  describe('POST /profile/increment and /profile/decrement', () => {
    beforeAll(async () => {
      await post('/profile', { profileId: 'counter', properties: { plan: 'pro', stats: { logins: '3' } } });
    });

    it('202 with the profile id as text; the value changes by `value`, a missing property counting as 0', async () => {
      const inc = await post('/profile/increment', { profileId: 'counter', property: 'stats.logins', value: 2 });
      expect([inc.statusCode, inc.body]).toEqual([202, 'counter']);
      expect(inc.headers['content-type']).toMatch(/^text\/plain/);
      const dec = await post('/profile/decrement', { profileId: 'counter', property: 'credits', value: 5 });
      expect([dec.statusCode, dec.body]).toEqual([202, 'counter']);
      expect((await profile('counter'))!.properties).toMatchObject({ stats: { logins: 5 }, credits: -5 });
    });

    it('concurrent increments all count (one atomic UPDATE; OpenPanel reads then writes)', async () => {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => post('/profile/increment', { profileId: 'counter', property: 'visits', value: 1 })),
      );
      expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(202));
      expect((await profile('counter'))!.properties.visits).toBe(20);
    });

    it('an unknown profile → 404; a property that is not a number → 400 naming `property`', async () => {
      const missing = await post('/profile/increment', { profileId: 'nobody', property: 'logins', value: 1 });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ status: 404, error: 'Not Found', message: 'Profile not found' });
      const text = await post('/profile/decrement', { profileId: 'counter', property: 'plan', value: 1 });
      expect(text.statusCode).toBe(400);
      expect(text.json()).toEqual({
        status: 400,
        error: 'Bad Request',
        message: 'Property value is not a number',
        details: [{ path: ['property'], message: '"plan" does not hold a number' }],
      });
      expect((await profile('counter'))!.properties.plan).toBe('pro');
    });

    it.each([
      ['no value', { profileId: 'counter', property: 'visits' }, ['value']],
      ['a value that is not a number', { profileId: 'counter', property: 'visits', value: '1' }, ['value']],
      ['a negative value', { profileId: 'counter', property: 'visits', value: -1 }, ['value']],
      ['no property', { profileId: 'counter', value: 1 }, ['property']],
      ['an empty key in the path', { profileId: 'counter', property: 'a..b', value: 1 }, ['property']],
    ])('%s → 400 with details, nothing changed', async (_label, body, path) => {
      for (const url of ['/profile/increment', '/profile/decrement']) {
        const res = await post(url, body);
        expect(res.statusCode).toBe(400);
        expect(res.json().details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      }
      expect((await profile('counter'))!.properties.visits).toBe(20);
    });
  });

  describe('POST /event', () => {
    it('202 `ok` as text; stored as /track stores a track event (same device and session, profile, properties)', async () => {
      const h = { 'x-client-ip': '81.2.69.142' };
      const viaTrack = (await track({ name: 'warmup' }, h)).json();
      const res = await post(
        '/event',
        {
          name: 'legacy_signup',
          profileId: 'ada',
          timestamp: '2020-01-01T00:00:00.000Z',
          properties: { plan: 'pro', __path: `${SITE}/signup` },
        },
        h,
      );
      expect(res.statusCode).toBe(202);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toBe('ok');
      const [row] = await events(`name = 'legacy_signup'`);
      expect(row).toMatchObject({
        device_id: viaTrack.deviceId,
        session_id: viaTrack.sessionId,
        profile_id: 'ada',
        path: '/signup',
        origin: SITE,
        browser: 'Chrome',
        country_code: 'GB',
      });
      expect(row.properties).toMatchObject({ plan: 'pro' });
      // The body's timestamp is not the event time (OpenPanel ignores it too).
      expect(Date.now() - new Date(`${row.created_at}Z`).getTime()).toBeLessThan(60_000);
    });

    it('properties.__timestamp sets the event time, as on /track', async () => {
      const at = new Date(Date.now() - 5 * 60_000).toISOString();
      expect((await post('/event', { name: 'legacy_past', properties: { __timestamp: at } })).statusCode).toBe(202);
      const [row] = await events(`name = 'legacy_past'`);
      expect(new Date(`${row.created_at}Z`).toISOString()).toBe(at);
    });

    it('a retry with the same idempotency-key, or the same properties.__id, is stored once', async () => {
      for (let i = 0; i < 2; i++) {
        expect((await post('/event', { name: 'legacy_keyed' }, { 'idempotency-key': 'retry-1' })).statusCode).toBe(202);
        expect((await post('/event', { name: 'legacy_by_id', properties: { __id: 'evt-1' } })).statusCode).toBe(202);
      }
      expect(await events(`name IN ('legacy_keyed', 'legacy_by_id')`)).toHaveLength(2);
    });

    it.each([
      ['no name', { profileId: 'ada' }, ['name']],
      ['a reserved name', { name: 'session_start' }, ['name']],
      ['a timestamp that is not a string', { name: 'legacy_bad', timestamp: 5 }, ['timestamp']],
      ['a profileId PostgreSQL cannot hold', { name: 'legacy_bad', profileId: 'a\u0000b' }, ['profileId']],
    ])('%s → 400 with details named from the body, nothing stored', async (_label, body, path) => {
      const res = await post('/event', body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        status: 400,
        error: 'Bad Request',
        details: expect.arrayContaining([expect.objectContaining({ path })]),
      });
      expect(await events(`name = 'legacy_bad'`)).toEqual([]);
    });
  });

  describe('GET /track/device-id', () => {
    it('before any event: today’s device id, no session; after a /track from the same agent and address: its device and session', async () => {
      const h = { 'user-agent': IPHONE, 'x-client-ip': '81.2.69.160' };
      const before = await deviceId(h);
      expect(before.statusCode).toBe(200);
      expect(before.json()).toEqual({
        deviceId: expect.stringMatching(/^[0-9a-f]{64}$/),
        sessionId: '',
        message: 'No session exists for this device id',
      });
      const tracked = await track({ name: 'open' }, h);
      expect(tracked.json().deviceId).toBe(before.json().deviceId);
      const after = await deviceId(h);
      expect(after.json()).toEqual({
        deviceId: tracked.json().deviceId,
        sessionId: tracked.json().sessionId,
        message: 'current session exists for this device id',
      });
      // Another address is another device, with no session yet.
      const other = (await deviceId({ ...h, 'x-client-ip': '81.2.69.161' })).json();
      expect(other.deviceId).not.toBe(after.json().deviceId);
      expect(other.sessionId).toBe('');
    });

    it('a browser on an allowed origin, without a secret, may ask and read the answer', async () => {
      const pre = await t.app.inject({
        method: 'OPTIONS',
        url: '/track/device-id',
        headers: { origin: SITE, 'access-control-request-headers': 'openpanel-client-id' },
      });
      expect(pre.statusCode).toBe(204);
      const res = await t.app.inject({
        method: 'GET',
        url: '/track/device-id',
        headers: { 'openpanel-client-id': p.writeClient.id, origin: SITE, 'user-agent': CHROME },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(SITE);
    });

    it('no user-agent → 400 in the error shape', async () => {
      const res = await deviceId({ 'user-agent': '' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        status: 400,
        error: 'Bad Request',
        message: 'Missing header: user-agent',
        details: [{ path: ['headers', 'user-agent'], message: 'Required' }],
      });
    });
  });

  describe('the same credentials and bot rule as /track', () => {
    const CALLS: [string, 'GET' | 'POST', string, object | undefined][] = [
      ['identifyProfile', 'POST', '/profile', { profileId: 'guarded' }],
      ['incrementProfile', 'POST', '/profile/increment', { profileId: 'counter', property: 'guarded', value: 1 }],
      ['decrementProfile', 'POST', '/profile/decrement', { profileId: 'counter', property: 'guarded', value: 1 }],
      ['legacyTrackEvent', 'POST', '/event', { name: 'guarded' }],
      ['fetchDeviceId', 'GET', '/track/device-id', undefined],
    ];
    const call = (method: 'GET' | 'POST', url: string, payload: object | undefined, headers: Record<string, string>) =>
      t.app.inject({ method, url, headers: { 'user-agent': CHROME, ...headers }, ...(payload ? { payload } : {}) });

    const nothingStored = async () => {
      expect(await profile('guarded')).toBeUndefined();
      expect((await profile('counter'))!.properties).not.toHaveProperty('guarded');
      expect(await events(`name = 'guarded'`)).toEqual([]);
    };

    it.each(CALLS)('%s: no credentials, or a server without its secret → 401', async (_id, method, url, payload) => {
      const none = await call(method, url, payload, {});
      expect(none.statusCode).toBe(401);
      expect(none.json()).toEqual({ status: 401, error: 'Unauthorized', message: 'Ingestion: Missing client id' });
      const noSecret = await call(method, url, payload, { 'openpanel-client-id': p.writeClient.id });
      expect(noSecret.statusCode).toBe(401);
      expect(noSecret.json()).toEqual({ status: 401, error: 'Unauthorized', message: 'Ingestion: Missing client secret' });
      const wrong = await call(method, url, payload, { ...authHeaders(p.writeClient), 'openpanel-client-secret': 'sec_wrong' });
      expect(wrong.statusCode).toBe(401);
      const foreign = await call(method, url, payload, { 'openpanel-client-id': p.writeClient.id, origin: 'https://evil.example' });
      expect(foreign.statusCode).toBe(401);
      await nothingStored();
    });

    it.each(CALLS)('%s: a read client is refused with /track’s wording (401)', async (_id, method, url, payload) => {
      const res = await call(method, url, payload, authHeaders(reader));
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ status: 401, error: 'Unauthorized', message: 'Ingestion: Read-only clients cannot send events' });
      await nothingStored();
    });

    it.each(CALLS)('%s: a known bot without a secret → 202 { bot } as JSON, nothing stored', async (_id, method, url, payload) => {
      const bot = await call(method, url, payload, {
        'openpanel-client-id': pub.id,
        origin: 'https://anything.test',
        'user-agent': GOOGLEBOT,
      });
      expect(bot.statusCode).toBe(202);
      expect(bot.headers['content-type']).toMatch(/^application\/json/);
      expect(bot.json()).toEqual({ bot: { name: 'Googlebot', type: 'crawler' } });
      await nothingStored();
    });

    it('with the secret, a bot’s user agent is served and counted, as on /track', async () => {
      for (const [, method, url, payload] of CALLS) {
        const res = await call(method, url, payload, { ...authHeaders(p.writeClient), 'user-agent': GOOGLEBOT });
        expect([url, res.statusCode]).toEqual([url, method === 'GET' ? 200 : 202]);
      }
      expect(await profile('guarded')).toBeDefined();
      expect((await profile('counter'))!.properties.guarded).toBe(0);
      expect(await events(`name = 'guarded'`)).toHaveLength(1);
    });
  });
});

/**
 * The previous-salt case needs a session begun under yesterday's salt, which only an event
 * sent yesterday makes: the clock (Date alone; timers stay real) is set to 23:50 UTC
 * yesterday for one /track, then to 00:05 today, past the daily rotation. Its own app, so
 * nothing else runs while the clock is moved.
 */
describe('GET /track/device-id across the daily salt rotation', () => {
  let t: TestApp;
  let p: CreatedProject;

  beforeAll(async () => {
    t = await createTestApp();
    p = await createProject(t, { name: 'Rotation' });
  });
  afterAll(async () => {
    jest.useRealTimers();
    await t?.close();
    if (t) await disposeEnv(t.env);
  });

  it('a session begun before midnight is found under yesterday’s device id, and /track carries it on', async () => {
    const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z').getTime();
    const h = { ...authHeaders(p.writeClient), 'user-agent': CHROME, 'x-client-ip': '8.8.4.4' };
    jest.useFakeTimers({
      advanceTimers: true,
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
    jest.setSystemTime(today - 10 * 60_000);
    const lateNight = await t.app.inject({
      method: 'POST',
      url: '/track',
      headers: h,
      payload: { type: 'track', payload: { name: 'late_night' } },
    });
    expect(lateNight.statusCode).toBe(200);
    const yesterday = lateNight.json();
    expect((await t.app.inject({ method: 'GET', url: '/track/device-id', headers: h })).json()).toEqual({
      ...yesterday,
      message: 'current session exists for this device id',
    });

    jest.setSystemTime(today + 5 * 60_000);
    const res = await t.app.inject({ method: 'GET', url: '/track/device-id', headers: h });
    expect(res.json()).toEqual({
      deviceId: yesterday.deviceId,
      sessionId: yesterday.sessionId,
      message: 'previous session exists for this device id',
    });
    const morning = await t.app.inject({
      method: 'POST',
      url: '/track',
      headers: h,
      payload: { type: 'track', payload: { name: 'early_morning' } },
    });
    expect(morning.json()).toEqual(yesterday);

    // Once that session has ended, the device is today's id, with no session.
    jest.setSystemTime(today + 40 * 60_000);
    const later = (await t.app.inject({ method: 'GET', url: '/track/device-id', headers: h })).json();
    expect(later).toEqual({
      deviceId: expect.stringMatching(/^[0-9a-f]{64}$/),
      sessionId: '',
      message: 'No session exists for this device id',
    });
    expect(later.deviceId).not.toBe(yesterday.deviceId);
    jest.useRealTimers();
    const rows = await storedEvents(t, p.id, `name IN ('late_night', 'early_morning')`);
    expect(rows.map((r) => [r.name, r.device_id, r.session_id])).toEqual([
      ['late_night', yesterday.deviceId, yesterday.sessionId],
      ['early_morning', yesterday.deviceId, yesterday.sessionId],
    ]);
  });
});
