import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { authHeaders, type Credentials, useTestApp } from './setup/test-app';
import { storedEvents, storedProfile, USER_AGENTS, type Row } from './setup/stores';

const CHROME = USER_AGENTS.chrome;
const NUL = '\u0000';
/** A high surrogate with no low one after it: jsonb refuses it. */
const LONE = '\ud800';

function nested(levels: number, leaf: unknown = 1): Record<string, unknown> {
  let value: Record<string, unknown> = { v: leaf };
  for (let i = 1; i < levels; i++) value = { d: value };
  return value;
}

/**
 * Hostile text and shapes on every ingestion format, /manage and /export (findings D3, D4,
 * D5, D19 depth, event time): a clear 4xx or a dropped item, never a 500, nothing stored twice.
 */
describe('text PostgreSQL cannot store, profile fields, nesting and event time, on every source', () => {
  const t = useTestApp({ TRACK_RATE_LIMIT: '1000000' });
  let p: CreatedProject;
  let pub: Credentials;
  let db: DataSource;

  beforeAll(async () => {
    p = await createProject(t, { name: 'Hostile text' });
    pub = await createClient(t, { name: 'sdk', mode: 'write', projectId: p.id, public: true });
    db = t.app.get(DataSource);
  });

  const unique = (prefix: string) => `${prefix}_${randomUUID().slice(0, 8)}`;
  const named = (name: string) => storedEvents(t, p.id, 'name = {name:String}', { name });
  const profile = (id: string) => storedProfile(t, p.id, id);
  const group = async (id: string): Promise<Row | undefined> =>
    (await db.query(`SELECT * FROM groups WHERE project_id = $1 AND id = $2`, [p.id, id]))[0];
  const time = (row: Row) => new Date(`${row.created_at}Z`).getTime();

  const track = (body: unknown, url = '/track') =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...authHeaders(p.writeClient), 'user-agent': CHROME, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
  const posthog = (batch: unknown[]) =>
    t.app.inject({
      method: 'POST',
      url: '/batch/',
      headers: { 'content-type': 'application/json', 'user-agent': 'posthog-node/5.0.0' },
      payload: JSON.stringify({ api_key: pub.id, batch }),
    });
  const segment = (batch: unknown[]) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${pub.id}:`).toString('base64')}` },
      payload: JSON.stringify({ batch }),
    });
  const commandersAct = (body: unknown) =>
    t.app.inject({
      method: 'POST',
      url: `/events?tc_s=1&token=${pub.id}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
  const root = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: { ...authHeaders(t.root), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      payload: payload === undefined ? undefined : JSON.stringify(payload),
    });

  const posthogOk = { status: 200, body: '{"status":1}' };
  const answer = (r: { statusCode: number; body: string }) => ({ status: r.statusCode, body: r.body });

  describe('D3: U+0000 and lone surrogates', () => {
    it('an event name with a NUL is stored as sent, and /export/events?includes=meta still answers (no meta for it)', async () => {
      const name = `x${NUL}y_${randomUUID().slice(0, 8)}`;
      expect((await track({ type: 'track', payload: { name } })).statusCode).toBe(200);
      expect(await named(name)).toHaveLength(1);
      const page = await root('GET', `/export/events?projectId=${p.id}&includes=meta&limit=100`);
      expect(page.statusCode).toBe(200);
      const row = page.json().data.find((e: { name: string }) => e.name === name);
      expect(row).toMatchObject({ name, meta: null });
    });

    it('/track: a profile id, alias, group id or type with a NUL or a lone surrogate → 400 naming the field, nothing stored', async () => {
      const cases: [unknown, (string | number)[]][] = [
        [{ type: 'track', payload: { name: 'nul_profile', profileId: `a${NUL}b` } }, ['payload', 'profileId']],
        [{ type: 'identify', payload: { profileId: `a${NUL}b` } }, ['payload', 'profileId']],
        [{ type: 'identify', payload: { profileId: `a${LONE}b` } }, ['payload', 'profileId']],
        [{ type: 'alias', payload: { profileId: 'someone', alias: `a${NUL}` } }, ['payload', 'alias']],
        [{ type: 'group', payload: { id: `g${NUL}`, type: 'company', name: 'G' } }, ['payload', 'id']],
        [{ type: 'group', payload: { id: 'g-ok', type: `c${LONE}`, name: 'G' } }, ['payload', 'type']],
        [{ type: 'assign_group', payload: { profileId: 'someone', groupIds: ['ok', `b${NUL}`] } }, ['payload', 'groupIds', 1]],
        [{ type: 'increment', payload: { profileId: 'someone', property: `n${NUL}` } }, ['payload', 'property']],
      ];
      for (const [body, path] of cases) {
        const res = await track(body);
        expect({ status: res.statusCode, path: res.json().details?.[0]?.path }).toEqual({ status: 400, path });
      }
      expect(await named('nul_profile')).toHaveLength(0);
      expect(await group('g-ok')).toBeUndefined();
    });

    it('/track: free text of profiles and groups is stored without NUL, lone surrogates as U+FFFD', async () => {
      const id = `clean-${randomUUID()}`;
      const res = await track({
        type: 'identify',
        payload: {
          profileId: id,
          firstName: `A${NUL}da`,
          lastName: `L${LONE}`,
          properties: { [`k${NUL}ey`]: `v${LONE}`, deep: { [`x${LONE}`]: [`a${NUL}`] } },
        },
      });
      expect(res.statusCode).toBe(200);
      expect(await profile(id)).toMatchObject({
        first_name: 'Ada',
        last_name: 'L\ufffd',
        properties: { key: 'v\ufffd', deep: { 'x\ufffd': ['a'] } },
      });
      const onTrack = `on-track-${randomUUID()}`;
      expect(
        (
          await track({
            type: 'track',
            payload: {
              name: 'clean_identify',
              profileId: onTrack,
              properties: { __identify: { email: `e${NUL}@x.io`, properties: { n: LONE } } },
            },
          })
        ).statusCode,
      ).toBe(200);
      expect(await profile(onTrack)).toMatchObject({ email: 'e@x.io', properties: { n: '\ufffd' } });
      const gid = `grp-${randomUUID()}`;
      expect(
        (await track({ type: 'group', payload: { id: gid, type: 'company', name: `Ac${NUL}me`, properties: { [`s${NUL}`]: LONE } } }))
          .statusCode,
      ).toBe(200);
      expect(await group(gid)).toMatchObject({ name: 'Acme', properties: { s: '\ufffd' } });
    });

    it('PostHog, Segment, Commanders Act: an item whose id has a NUL is dropped, the rest stored; free text is cleaned', async () => {
      const ph = unique('ph_nul');
      const phUser = `ph-${randomUUID()}`;
      expect(
        answer(
          await posthog([
            { event: ph, distinct_id: 'fine' },
            { event: ph, distinct_id: `bad${NUL}` },
            { event: ph, distinct_id: phUser, $set: { first_name: `A${NUL}da`, [`p${NUL}`]: `v${LONE}` } },
            { event: '$create_alias', distinct_id: 'fine', properties: { alias: `al${LONE}` } },
          ]),
        ),
      ).toEqual(posthogOk);
      expect((await named(ph)).map((r) => r.profile_id).sort()).toEqual(['fine', phUser].sort());
      expect(await profile(phUser)).toMatchObject({ first_name: 'Ada', properties: { p: 'v\ufffd' } });

      const seg = unique('seg_nul');
      const segUser = `seg-${randomUUID()}`;
      expect(
        (
          await segment([
            { type: 'track', event: seg, userId: 'fine' },
            { type: 'track', event: seg, userId: `bad${NUL}` },
            { type: 'identify', userId: segUser, traits: { firstName: `B${NUL}ob`, [`t${NUL}`]: LONE } },
            { type: 'group', userId: segUser, groupId: `g${NUL}`, traits: { name: 'x' } },
          ])
        ).json(),
      ).toEqual({ success: true });
      expect((await named(seg)).map((r) => r.profile_id)).toEqual(['fine']);
      expect(await profile(segUser)).toMatchObject({ first_name: 'Bob', properties: { t: '\ufffd' } });

      const ca = unique('ca_nul');
      expect((await commandersAct({ event_name: ca, user: { id: `bad${NUL}` } })).json()).toEqual({ success: true });
      expect((await commandersAct({ event_name: ca, user: { id: 'ca-fine', email: `c${NUL}@x.io` } })).json()).toEqual({ success: true });
      expect((await named(ca)).map((r) => r.profile_id)).toEqual(['ca-fine']);
      expect(await profile('ca-fine')).toMatchObject({ email: 'c@x.io' });
    });

    it('/manage and /export: a NUL or a lone surrogate in any field → 400 naming it', async () => {
      const cases: [Promise<{ statusCode: number; json(): { details?: { path?: (string | number)[] }[] } }>, (string | number)[]][] = [
        [root('POST', '/manage/projects', { name: `a${NUL}b` }), ['name']],
        [root('POST', '/manage/projects', { name: 'ok', cors: ['https://a.example', `https://b${LONE}.example`] }), ['cors', 1]],
        [root('PATCH', `/manage/projects/${p.id}`, { domain: `https://a${NUL}.example` }), ['domain']],
        [root('GET', `/manage/projects/a%00b`), ['id']],
        [root('PUT', `/manage/event-meta/${p.id}/sign%00up`, { description: 'x' }), ['name']],
        [root('PUT', `/manage/event-meta/${p.id}/signup`, { description: `x${LONE}` }), ['description']],
        [root('POST', '/manage/references', { projectId: p.id, title: `t${NUL}`, datetime: '2024-01-01T00:00:00Z' }), ['title']],
        [root('GET', `/export/events?projectId=${p.id}&profileId=a%00b`), ['profileId']],
        [root('GET', `/export/events?projectId=a%00b`), ['projectId']],
        [root('POST', '/manage/clients', { name: `c${NUL}`, mode: 'read', projectId: p.id }), ['name']],
        [
          root(
            'GET',
            `/export/charts?projectId=${p.id}&interval=day&range=7d&events=${encodeURIComponent(JSON.stringify([{ name: `e${NUL}`, id: 'a' }]))}`,
          ),
          ['events'],
        ],
        [
          root(
            'GET',
            `/export/events?projectId=${p.id}&filters=${encodeURIComponent(JSON.stringify([{ name: 'name', operator: 'is', value: [`a${NUL}`] }]))}`,
          ),
          ['filters'],
        ],
      ];
      for (const [request, path] of cases) {
        const res = await request;
        expect({ status: res.statusCode, path: res.json().details?.[0]?.path?.slice(0, path.length) }).toEqual({ status: 400, path });
      }
    });
  });

  describe('D4: /track validates profile fields before anything is stored', () => {
    it('__identify with a too long field → 400 naming it, and the event is not stored', async () => {
      const name = unique('d4_single');
      const cases: [Record<string, unknown>, string][] = [
        [{ firstName: 'x'.repeat(256) }, 'firstName'],
        [{ lastName: 'x'.repeat(256) }, 'lastName'],
        [{ email: `${'x'.repeat(320)}@x.io` }, 'email'],
        [{ avatar: `https://x.io/${'x'.repeat(2048)}` }, 'avatar'],
      ];
      for (const [fields, field] of cases) {
        const res = await track({ type: 'track', payload: { name, profileId: 'd4-user', properties: { __identify: fields } } });
        expect({ status: res.statusCode, path: res.json().details?.[0]?.path }).toEqual({
          status: 400,
          path: ['payload', 'properties', '__identify', field],
        });
      }
      expect(await named(name)).toHaveLength(0);
      expect(await profile('d4-user')).toBeUndefined();
    });

    it('/track/batch: the bad item is rejected, the others stored once', async () => {
      const name = unique('d4_batch');
      const res = await track(
        {
          items: [
            { type: 'track', payload: { name } },
            { type: 'track', payload: { name, profileId: 'u', properties: { __identify: { firstName: 'x'.repeat(300) } } } },
            { type: 'track', payload: { name, profileId: 'u2', properties: { __identify: { email: 'ok@x.io' } } } },
            { type: 'identify', payload: { profileId: 'u3', properties: { [`a${NUL}`]: 1 }, lastName: `${'y'.repeat(255)}` } },
          ],
        },
        '/track/batch',
      );
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ accepted: 3, rejected: [{ index: 1, error: expect.stringContaining('firstName') }] });
      expect(await named(name)).toHaveLength(2);
      expect(await profile('u2')).toMatchObject({ email: 'ok@x.io' });
      expect(await profile('u3')).toMatchObject({ properties: { a: 1 } });
    });

    it('a 255-character name of astral characters fits (PostgreSQL counts characters, not UTF-16 units)', async () => {
      const id = `astral-${randomUUID()}`;
      const firstName = '😀'.repeat(255);
      expect((await track({ type: 'identify', payload: { profileId: id, firstName } })).statusCode).toBe(200);
      expect((await profile(id))!.first_name).toBe(firstName);
    });
  });

  describe('D5: a bad profile or group field drops its item on the capture routes, the rest is stored', () => {
    it('PostHog: $set.email > 320, $set.first_name > 255, $group_key of 256, $group_set.name > 255', async () => {
      const name = unique('d5_ph');
      const batch = [
        { event: name, distinct_id: 'ph-ok-1', uuid: randomUUID() },
        { event: name, distinct_id: 'ph-bad-1', $set: { email: 'x'.repeat(400) } },
        { event: name, distinct_id: 'ph-bad-2', properties: { $set: { first_name: 'x'.repeat(256) } } },
        {
          event: '$groupidentify',
          distinct_id: 'ph-ok-1',
          properties: { $group_type: 'company', $group_key: 'k'.repeat(256), $group_set: { name: 'n' } },
        },
        {
          event: '$groupidentify',
          distinct_id: 'ph-ok-1',
          properties: { $group_type: 'company', $group_key: 'ph-group', $group_set: { name: 'n'.repeat(256) } },
        },
        { event: name, distinct_id: 'ph-ok-2', uuid: randomUUID() },
      ];
      // Sent twice, as an SDK would retry: the good events are there once, the bad ones never.
      for (let i = 0; i < 2; i++) expect(answer(await posthog(batch))).toEqual(posthogOk);
      expect((await named(name)).map((r) => r.profile_id).sort()).toEqual(['ph-ok-1', 'ph-ok-2']);
      expect(await profile('ph-bad-1')).toBeUndefined();
      expect(await profile('ph-bad-2')).toBeUndefined();
      expect(await group('ph-group')).toBeUndefined();
      expect(await named('$groupidentify')).toHaveLength(0);
    });

    it('Segment: traits.email > 320, group name or groupType > 255', async () => {
      const name = unique('d5_seg');
      const res = await segment([
        { type: 'track', event: name, userId: 'seg-ok' },
        { type: 'identify', userId: 'seg-bad', traits: { email: 'x'.repeat(400) } },
        { type: 'group', userId: 'seg-ok', groupId: 'seg-g1', traits: { name: 'n'.repeat(256) } },
        { type: 'group', userId: 'seg-ok', groupId: 'seg-g2', traits: { type: 't'.repeat(256) } },
        { type: 'track', event: name, userId: 'seg-ok-2' },
      ]);
      expect(res.json()).toEqual({ success: true });
      expect((await named(name)).map((r) => r.profile_id).sort()).toEqual(['seg-ok', 'seg-ok-2']);
      expect(await profile('seg-bad')).toBeUndefined();
      expect(await group('seg-g1')).toBeUndefined();
      expect(await group('seg-g2')).toBeUndefined();
    });

    it('Commanders Act: user.email > 320 drops the event with it', async () => {
      const name = unique('d5_ca');
      expect((await commandersAct({ event_name: name, user: { id: 'ca-bad', email: 'x'.repeat(400) } })).json()).toEqual({ success: true });
      expect(await named(name)).toHaveLength(0);
      expect(await profile('ca-bad')).toBeUndefined();
    });
  });

  describe('D19: one depth rule (32 levels) for event, profile and group properties of every source', () => {
    it('/track: event properties or identify properties deeper than 32 levels → 400; 32 levels are fine', async () => {
      const name = unique('depth_track');
      expect((await track({ type: 'track', payload: { name, properties: nested(32) } })).statusCode).toBe(200);
      expect((await track({ type: 'track', payload: { name, properties: nested(33) } })).statusCode).toBe(400);
      expect((await track({ type: 'identify', payload: { profileId: 'deep-id', properties: nested(33) } })).statusCode).toBe(400);
      expect(
        (await track({ type: 'track', payload: { name, profileId: 'deep-id', properties: { __identify: { properties: nested(32) } } } }))
          .statusCode,
      ).toBe(400);
      expect(await named(name)).toHaveLength(1);
      expect(await profile('deep-id')).toBeUndefined();
    });

    it('PostHog: properties 200,000 deep and $set 5,000 deep drop their item; the rest is stored', async () => {
      const name = unique('depth_ph');
      const deepJson = (levels: number) => `${'{"d":'.repeat(levels)}1${'}'.repeat(levels)}`;
      const body = `{"api_key":"${pub.id}","batch":[{"event":"${name}","distinct_id":"ok"},{"event":"${name}","distinct_id":"deep-props","properties":${deepJson(200_000)}},{"event":"${name}","distinct_id":"deep-set","$set":${deepJson(5_000)}},{"event":"${name}","distinct_id":"ok-40","properties":{"a":${deepJson(31)}}}]}`;
      const res = await t.app.inject({ method: 'POST', url: '/batch/', headers: { 'content-type': 'application/json' }, payload: body });
      expect(answer(res)).toEqual(posthogOk);
      expect((await named(name)).map((r) => r.profile_id).sort()).toEqual(['ok', 'ok-40']);
      expect(await profile('deep-set')).toBeUndefined();
    });

    it('Segment traits and Commanders Act properties deeper than 32 levels drop their item', async () => {
      const name = unique('depth_seg');
      const deepTraits = `${'{"d":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
      const items = [
        JSON.stringify({ type: 'track', event: name, userId: 'ok' }),
        JSON.stringify({ type: 'track', event: name, userId: 'deep', properties: nested(40) }),
        `{"type":"identify","userId":"seg-deep","traits":${deepTraits}}`,
      ];
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/batch',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${pub.id}:`).toString('base64')}` },
        payload: `{"batch":[${items.join(',')}]}`,
      });
      expect(res.json()).toEqual({ success: true });
      expect((await named(name)).map((r) => r.profile_id)).toEqual(['ok']);
      expect(await profile('seg-deep')).toBeUndefined();
      const ca = unique('depth_ca');
      expect((await commandersAct({ event_name: ca, deep: nested(40) })).json()).toEqual({ success: true });
      expect(await named(ca)).toHaveLength(0);
    });
  });

  describe('one event-time rule: more than 60 s ahead takes the reception time', () => {
    const ahead = (ms: number) => new Date(Date.now() + ms);
    const HOURS_2 = 2 * 3600_000;

    async function expectTimes(name: string, before: number, after: number) {
      const rows = await named(name);
      const far = rows.find((r) => r.properties.which === 'far')!;
      const near = rows.find((r) => r.properties.which === 'near')!;
      expect(time(far)).toBeGreaterThanOrEqual(before);
      expect(time(far)).toBeLessThanOrEqual(after);
      expect(Math.abs(time(near) - (before + 30_000))).toBeLessThan(after - before + 1_000);
    }

    it('/track', async () => {
      const name = unique('time_track');
      const before = Date.now();
      await track({ type: 'track', payload: { name, properties: { which: 'far', __timestamp: ahead(HOURS_2).toISOString() } } });
      await track({ type: 'track', payload: { name, properties: { which: 'near', __timestamp: ahead(30_000).toISOString() } } });
      await expectTimes(name, before, Date.now());
    });

    it('PostHog', async () => {
      const name = unique('time_ph');
      const before = Date.now();
      expect(
        answer(
          await posthog([
            { event: name, distinct_id: 'u', timestamp: ahead(HOURS_2).toISOString(), properties: { which: 'far' } },
            { event: name, distinct_id: 'u', timestamp: ahead(30_000).toISOString(), properties: { which: 'near' } },
          ]),
        ),
      ).toEqual(posthogOk);
      await expectTimes(name, before, Date.now());
    });

    it('Segment', async () => {
      const name = unique('time_seg');
      const before = Date.now();
      await segment([
        { type: 'track', event: name, userId: 'u', timestamp: ahead(HOURS_2).toISOString(), properties: { which: 'far' } },
        { type: 'track', event: name, userId: 'u', timestamp: ahead(30_000).toISOString(), properties: { which: 'near' } },
      ]);
      await expectTimes(name, before, Date.now());
    });

    it('Commanders Act', async () => {
      const name = unique('time_ca');
      const before = Date.now();
      await commandersAct({ event_name: name, which: 'far', context: { event_timestamp: ahead(HOURS_2).getTime() } });
      await commandersAct({ event_name: name, which: 'near', context: { event_timestamp: ahead(30_000).getTime() } });
      await expectTimes(name, before, Date.now());
    });
  });

  describe('a store that fails after the checks: 503 with Retry-After, and no event stored', () => {
    it('/track, /track/batch and PostHog', async () => {
      const name = unique('store_down');
      // A real failure of the real store: the profiles table is away for the length of the test.
      await db.query(`ALTER TABLE profiles RENAME TO profiles_away`);
      try {
        const single = await track({
          type: 'track',
          payload: { name, profileId: 'down-1', properties: { __identify: { firstName: 'Ada' } } },
        });
        expect({ status: single.statusCode, retryAfter: single.headers['retry-after'], body: single.json() }).toEqual({
          status: 503,
          retryAfter: '1',
          body: { status: 503, error: expect.any(String), message: 'Ingestion could not reach its stores, retry shortly' },
        });
        const batch = await track(
          {
            items: [
              { type: 'track', payload: { name } },
              { type: 'identify', payload: { profileId: 'down-2' } },
            ],
          },
          '/track/batch',
        );
        expect(batch.statusCode).toBe(503);
        const ph = await posthog([{ event: name, distinct_id: 'down-3', $set: { plan: 'x' } }]);
        expect({ status: ph.statusCode, code: ph.json().code }).toEqual({ status: 503, code: 'service_unavailable' });
      } finally {
        await db.query(`ALTER TABLE profiles_away RENAME TO profiles`);
      }
      expect(await named(name)).toHaveLength(0);
    });
  });
});
