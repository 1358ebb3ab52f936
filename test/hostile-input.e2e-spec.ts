import type { InjectOptions } from 'light-my-request';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { storedEvents, USER_AGENTS } from './setup/stores';
import { authHeaders, type Credentials, useTestApp } from './setup/test-app';

/**
 * Hostile input into every field of every route (issue 14): NUL, a lone surrogate, over-long
 * text and nesting far past any limit. Whatever is sent, the answer is never a 5xx, a refusal
 * is in the route's error shape, the server keeps serving, and each acknowledged event is
 * stored exactly once (every event carries a marker; a refused request stores nothing).
 */

/** Values sent into string fields. JSON bodies carry the lone surrogate as its `\ud800` escape. */
const HOSTILE: Record<string, string> = {
  nul: 'a\u0000b',
  surrogate: 'a\ud800b',
  long: 'x'.repeat(5000),
  // 400 characters to PostgreSQL, 200 to class-validator's MaxLength (it skips U+FE0F).
  selectors: 'a\uFE0F'.repeat(200),
};
/** Nesting far past every depth rule, written as JSON text (building it as an object would overflow JSON.stringify here). */
const DEEP_LEVELS = 5000;
const DEEP = `${'{"d":'.repeat(DEEP_LEVELS)}1${'}'.repeat(DEEP_LEVELS)}`;
const DEEP_MARK = '"__deep__"';

type Shape = 'openpanel' | 'posthog' | 'tracking';

interface Probe {
  label: string;
  request: InjectOptions;
  shape: Shape;
  /** Markers of events that carry nothing hostile: stored exactly once when the answer is 2xx. */
  good: string[];
  /** Markers of events that carry the hostile value: stored at most once, never on a refusal. */
  hostile: string[];
}

let seq = 0;
const marker = (kind: string) => `${kind}-${++seq}`;

/** A JSON body: the object with `"__deep__"` replaced by the deep value. */
function body(value: unknown): string {
  return JSON.stringify(value).split(DEEP_MARK).join(DEEP);
}

/** Sets `value` at a dot path of a copy of `base` (`properties.a`, `groups.0`). */
function withValue(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    at[key] ??= /^\d+$/.test(keys[keys.indexOf(key) + 1] ?? '') ? [] : {};
    at = at[key] as Record<string, unknown>;
  }
  at[keys[keys.length - 1]] = value;
  return copy;
}

/** Every hostile value, and the deep one, at `path`; `key:` paths put the value in a property name. */
function variants(path: string): { label: string; apply: (base: Record<string, unknown>) => Record<string, unknown> }[] {
  const out = Object.entries(HOSTILE).map(([name, v]) => ({
    label: `${path}=${name}`,
    apply: (base: Record<string, unknown>) =>
      path.startsWith('key:') ? withValue(base, `${path.slice(4)}.${v}`, 'v') : withValue(base, path, v),
  }));
  if (!path.startsWith('key:')) out.push({ label: `${path}=deep`, apply: (base) => withValue(base, path, '__deep__') });
  return out;
}

describe('Hostile input on every route', () => {
  const t = useTestApp({ MANAGE_RATE_LIMIT: '100000', EXPORT_RATE_LIMIT: '100000' });
  let site: CreatedProject;
  let reader: Credentials;
  let publicClient: Credentials;
  const probes: Probe[] = [];
  const answers = new Map<Probe, { status: number; body: string }>();

  beforeAll(async () => {
    site = await createProject(t, { name: 'Hostile site' });
    reader = await createClient(t, { name: 'reader', mode: 'read', projectId: site.id });
    publicClient = await createClient(t, { name: 'public', mode: 'write', projectId: site.id, public: true });
    build();
    for (const probe of probes) {
      let res = await t.app.inject(probe.request);
      // SDKs retry a 5xx: a retry must not store twice what the first attempt kept.
      if (res.statusCode >= 500) res = await t.app.inject(probe.request);
      answers.set(probe, { status: res.statusCode, body: res.body });
    }
  }, 600_000);

  function build(): void {
    const writer = { ...authHeaders(site.writeClient), 'content-type': 'application/json', 'user-agent': USER_AGENTS.chrome };
    const root = { ...authHeaders(t.root), 'content-type': 'application/json' };
    const read = authHeaders(reader);
    const add = (label: string, shape: Shape, request: InjectOptions, good: string[] = [], hostile: string[] = []) =>
      probes.push({ label, shape, request, good, hostile });

    // OpenPanel /track, each type and each field.
    const trackPayload = (m: string) => ({
      name: 'hostile_track',
      profileId: 'p1',
      groups: ['g1'],
      properties: {
        marker: m,
        plan: 'pro',
        __path: 'https://a.example/x',
        __identify: { firstName: 'A', email: 'a@example.com', properties: { k: 'v' } },
      },
    });
    const trackFields = [
      'name',
      'profileId',
      'groups.0',
      'properties.plan',
      'key:properties',
      'properties.nested',
      'properties.__path',
      'properties.__referrer',
      'properties.__deviceId',
      'properties.__ip',
      'properties.__timestamp',
      'properties.__identify.firstName',
      'properties.__identify.email',
      'properties.__identify.avatar',
      'properties.__identify.properties.k',
      'key:properties.__identify.properties',
    ];
    for (const field of trackFields) {
      for (const v of variants(field)) {
        const m = marker('track');
        add(
          `/track track ${v.label}`,
          'openpanel',
          { method: 'POST', url: '/track', headers: writer, payload: body({ type: 'track', payload: v.apply(trackPayload(m)) }) },
          [],
          [m],
        );
        const good = marker('batch-good');
        const bad = marker('batch-bad');
        add(
          `/track/batch ${v.label}`,
          'openpanel',
          {
            method: 'POST',
            url: '/track/batch',
            headers: writer,
            payload: body({
              items: [
                { type: 'track', payload: { name: 'hostile_track', properties: { marker: good } } },
                { type: 'track', payload: v.apply(trackPayload(bad)) },
              ],
            }),
          },
          [good],
          [bad],
        );
      }
    }
    const otherTypes: Record<string, { payload: Record<string, unknown>; fields: string[] }> = {
      identify: {
        payload: {
          profileId: 'p2',
          firstName: 'A',
          lastName: 'B',
          email: 'a@example.com',
          avatar: 'https://a.example/a.png',
          properties: { k: 'v' },
        },
        fields: ['profileId', 'firstName', 'lastName', 'email', 'avatar', 'properties.k', 'key:properties'],
      },
      increment: { payload: { profileId: 'p2', property: 'visits', value: 1 }, fields: ['profileId', 'property'] },
      alias: { payload: { profileId: 'p2', alias: 'p2-alias' }, fields: ['profileId', 'alias'] },
      group: {
        payload: { id: 'g1', type: 'company', name: 'Acme', properties: { k: 'v' } },
        fields: ['id', 'type', 'name', 'properties.k', 'key:properties'],
      },
      assign_group: { payload: { profileId: 'p2', groupIds: ['g1'] }, fields: ['profileId', 'groupIds.0'] },
    };
    for (const [type, { payload, fields }] of Object.entries(otherTypes)) {
      for (const field of fields) {
        for (const v of variants(field)) {
          add(`/track ${type} ${v.label}`, 'openpanel', {
            method: 'POST',
            url: '/track',
            headers: writer,
            payload: body({ type, payload: v.apply(payload) }),
          });
          const good = marker('batch-good');
          add(
            `/track/batch ${type} ${v.label}`,
            'openpanel',
            {
              method: 'POST',
              url: '/track/batch',
              headers: writer,
              payload: body({
                items: [
                  { type: 'track', payload: { name: 'hostile_track', properties: { marker: good } } },
                  { type, payload: v.apply(payload) },
                ],
              }),
            },
            [good],
          );
        }
      }
    }

    // OpenPanel's legacy routes: each body is the /track payload of its kind.
    for (const field of [...trackFields, 'timestamp']) {
      for (const v of variants(field)) {
        const m = marker('event');
        add(
          `/event ${v.label}`,
          'openpanel',
          {
            method: 'POST',
            url: '/event',
            headers: writer,
            payload: body(v.apply({ ...trackPayload(m), timestamp: new Date().toISOString() })),
          },
          [],
          [m],
        );
      }
    }
    for (const field of otherTypes.identify.fields) {
      for (const v of variants(field))
        add(`/profile ${v.label}`, 'openpanel', {
          method: 'POST',
          url: '/profile',
          headers: writer,
          payload: body(v.apply(otherTypes.identify.payload)),
        });
    }
    for (const url of ['/profile/increment', '/profile/decrement']) {
      for (const field of otherTypes.increment.fields) {
        for (const v of variants(field))
          add(`${url} ${v.label}`, 'openpanel', {
            method: 'POST',
            url,
            headers: writer,
            payload: body(v.apply(otherTypes.increment.payload)),
          });
      }
    }
    for (const [name, v] of Object.entries(HOSTILE)) {
      if (name === 'long')
        add(`GET /track/device-id user-agent=${name}`, 'openpanel', {
          method: 'GET',
          url: '/track/device-id',
          headers: { ...authHeaders(site.writeClient), 'user-agent': v },
        });
      add(`POST /profile user-agent __os=${name}`, 'openpanel', {
        method: 'POST',
        url: '/profile',
        headers: writer,
        payload: body({ profileId: 'p3', properties: { __os: v, __model: v } }),
      });
    }

    // PostHog: a good event and a hostile one in each batch.
    const posthogEvent = (m: string) => ({
      event: 'hostile_posthog',
      distinct_id: 'ph1',
      properties: {
        marker: m,
        plan: 'pro',
        $current_url: 'https://a.example/x',
        $set: { email: 'a@example.com', first_name: 'A', k: 'v' },
        $set_once: { first: 'x' },
        $groups: { company: 'acme' },
      },
      timestamp: new Date().toISOString(),
    });
    const groupIdentify = (m: string) => ({
      event: '$groupidentify',
      distinct_id: 'ph1',
      properties: { marker: m, $group_type: 'company', $group_key: 'acme', $group_set: { name: 'Acme' } },
    });
    const posthogFields = [
      'event',
      'distinct_id',
      'uuid',
      'timestamp',
      'properties.plan',
      'key:properties',
      'properties.nested',
      'properties.$current_url',
      'properties.$set.email',
      'properties.$set.first_name',
      'properties.$set.k',
      'key:properties.$set',
      'properties.$set_once.first',
      'properties.$groups.company',
    ];
    const posthogHeaders = { 'content-type': 'application/json', 'openpanel-client-secret': site.writeClient.secret };
    for (const field of posthogFields) {
      for (const v of variants(field)) {
        const good = marker('ph-good');
        const bad = marker('ph-bad');
        add(
          `PostHog /batch ${v.label}`,
          'posthog',
          {
            method: 'POST',
            url: '/batch/',
            headers: posthogHeaders,
            payload: body({ api_key: site.writeClient.id, batch: [posthogEvent(good), v.apply(posthogEvent(bad))] }),
          },
          [good],
          [bad],
        );
      }
    }
    for (const field of ['properties.$group_type', 'properties.$group_key', 'properties.$group_set.name', 'key:properties.$group_set']) {
      for (const v of variants(field)) {
        const good = marker('ph-good');
        add(
          `PostHog /batch $groupidentify ${v.label}`,
          'posthog',
          {
            method: 'POST',
            url: '/batch/',
            headers: posthogHeaders,
            payload: body({ api_key: site.writeClient.id, batch: [posthogEvent(good), v.apply(groupIdentify(marker('ph-group')))] }),
          },
          [good],
        );
      }
    }
    // The key itself, public key from a browser.
    for (const [name, v] of Object.entries(HOSTILE))
      add(`PostHog /e api_key=${name}`, 'posthog', {
        method: 'POST',
        url: '/e/',
        headers: { 'content-type': 'application/json' },
        payload: body({ api_key: v, batch: [posthogEvent(marker('ph-key'))] }),
      });
    add('PostHog /e public key, deep properties', 'posthog', {
      method: 'POST',
      url: '/e/',
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENTS.chrome },
      payload: body([{ ...posthogEvent('unused'), api_key: publicClient.id, properties: { marker: 'unused', nested: '__deep__' } }]),
    });

    // Segment: batches (one good, one hostile) and single calls.
    const basic = {
      authorization: `Basic ${Buffer.from(`${site.writeClient.id}:${site.writeClient.secret}`).toString('base64')}`,
      'content-type': 'application/json',
    };
    const segmentTrack = (m: string) => ({
      type: 'track',
      event: 'hostile_segment',
      userId: 's1',
      anonymousId: 'anon1',
      properties: { marker: m, plan: 'pro' },
      context: { page: { url: 'https://a.example/x' } },
      timestamp: new Date().toISOString(),
    });
    const segmentIdentify = () => ({ type: 'identify', userId: 's1', traits: { email: 'a@example.com', firstName: 'A', k: 'v' } });
    const segmentGroup = () => ({ type: 'group', userId: 's1', groupId: 'acme', traits: { name: 'Acme', groupType: 'company' } });
    const segmentAlias = () => ({ type: 'alias', userId: 's1', previousId: 'anon1' });
    for (const field of [
      'event',
      'userId',
      'anonymousId',
      'messageId',
      'timestamp',
      'properties.plan',
      'key:properties',
      'properties.nested',
      'context.page.url',
    ]) {
      for (const v of variants(field)) {
        const good = marker('seg-good');
        const bad = marker('seg-bad');
        add(
          `Segment /v1/batch track ${v.label}`,
          'tracking',
          { method: 'POST', url: '/v1/batch', headers: basic, payload: body({ batch: [segmentTrack(good), v.apply(segmentTrack(bad))] }) },
          [good],
          [bad],
        );
        const single = marker('seg-single');
        add(
          `Segment /v1/track ${v.label}`,
          'tracking',
          { method: 'POST', url: '/v1/track', headers: basic, payload: body(v.apply(segmentTrack(single))) },
          [],
          [single],
        );
      }
    }
    const segmentOthers: [string, () => Record<string, unknown>, string[]][] = [
      ['identify', segmentIdentify, ['userId', 'traits.email', 'traits.firstName', 'traits.k', 'key:traits']],
      ['group', segmentGroup, ['groupId', 'traits.name', 'traits.groupType', 'key:traits']],
      ['alias', segmentAlias, ['userId', 'previousId']],
    ];
    for (const [type, make, fields] of segmentOthers) {
      for (const field of fields) {
        for (const v of variants(field)) {
          const good = marker('seg-good');
          add(
            `Segment /v1/batch ${type} ${v.label}`,
            'tracking',
            { method: 'POST', url: '/v1/batch', headers: basic, payload: body({ batch: [segmentTrack(good), v.apply(make())] }) },
            [good],
          );
          add(`Segment /v1/${type} ${v.label}`, 'tracking', {
            method: 'POST',
            url: `/v1/${type}`,
            headers: basic,
            payload: body(v.apply(make())),
          });
        }
      }
    }

    // Commanders Act: one event per request.
    const caEvent = (m: string) => ({
      event_name: 'hostile_ca',
      user: { id: 'c1', email: 'a@example.com', consistent_anonymous_id: 'anon-c1' },
      context: { event_id: `ev-${m}`, page: { url: 'https://a.example/x' } },
      marker: m,
      plan: 'pro',
    });
    for (const field of [
      'event_name',
      'user.id',
      'user.email',
      'user.consistent_anonymous_id',
      'context.event_id',
      'context.page.url',
      'plan',
      'key:nested',
    ]) {
      for (const v of variants(field)) {
        const m = marker('ca');
        add(
          `Commanders Act /events ${v.label}`,
          'tracking',
          {
            method: 'POST',
            url: `/events?token=${site.writeClient.id}`,
            headers: { 'content-type': 'application/json', 'openpanel-client-secret': site.writeClient.secret },
            payload: body(v.apply(caEvent(m))),
          },
          [],
          [m],
        );
      }
    }

    // Manage: bodies, path parameters and query strings.
    const encoded: Record<string, string> = { nul: 'a%00b', surrogate: 'a%ED%A0%80b', long: 'x'.repeat(300) };
    for (const [field, base] of [
      ['name', { name: 'P' }],
      ['domain', { name: 'P', domain: 'a.example' }],
      ['cors.0', { name: 'P', cors: ['https://a.example'] }],
      ['timezone', { name: 'P', timezone: 'UTC' }],
    ] as const) {
      for (const v of variants(field)) {
        add(`POST /manage/projects ${v.label}`, 'openpanel', {
          method: 'POST',
          url: '/manage/projects',
          headers: root,
          payload: body(v.apply({ ...base })),
        });
        add(`PATCH /manage/projects/:id ${v.label}`, 'openpanel', {
          method: 'PATCH',
          url: `/manage/projects/${site.id}`,
          headers: root,
          payload: body(v.apply({ ...base })),
        });
      }
    }
    for (const v of variants('name'))
      add(`POST /manage/clients ${v.label}`, 'openpanel', {
        method: 'POST',
        url: '/manage/clients',
        headers: root,
        payload: body(v.apply({ name: 'c', mode: 'read', projectId: site.id })),
      });
    for (const v of variants('projectId'))
      add(`POST /manage/clients ${v.label}`, 'openpanel', {
        method: 'POST',
        url: '/manage/clients',
        headers: root,
        payload: body(v.apply({ name: 'c', mode: 'read', projectId: site.id })),
      });
    for (const field of ['projectId', 'title', 'description', 'datetime']) {
      for (const v of variants(field))
        add(`POST /manage/references ${v.label}`, 'openpanel', {
          method: 'POST',
          url: '/manage/references',
          headers: root,
          payload: body(v.apply({ projectId: site.id, title: 'Launch', description: 'd', datetime: '2024-01-01T00:00:00Z' })),
        });
    }
    for (const v of variants('description'))
      add(`PUT /manage/event-meta ${v.label}`, 'openpanel', {
        method: 'PUT',
        url: `/manage/event-meta/${site.id}/signup`,
        headers: root,
        payload: body(v.apply({ description: 'd', conversion: true })),
      });
    for (const [name, v] of Object.entries(encoded)) {
      add(`GET /manage/projects/:id id=${name}`, 'openpanel', { method: 'GET', url: `/manage/projects/${v}`, headers: root });
      add(`PUT /manage/event-meta/:name name=${name}`, 'openpanel', {
        method: 'PUT',
        url: `/manage/event-meta/${site.id}/${v}`,
        headers: root,
        payload: body({ description: 'd' }),
      });
      add(`GET /manage/references projectId=${name}`, 'openpanel', {
        method: 'GET',
        url: `/manage/references?projectId=${v}`,
        headers: root,
      });
      add(`GET /manage/event-meta projectId=${name}`, 'openpanel', {
        method: 'GET',
        url: `/manage/event-meta?projectId=${v}`,
        headers: root,
      });
    }

    // Export: every query parameter, raw and inside the JSON ones.
    for (const [name, v] of Object.entries(encoded)) {
      for (const param of ['projectId', 'profileId', 'event', 'cursor', 'start', 'end', 'includes', 'limit', 'page']) {
        add(`GET /export/events ${param}=${name}`, 'openpanel', { method: 'GET', url: `/export/events?${param}=${v}`, headers: read });
      }
      add(`GET /export/events ndjson profileId=${name}`, 'openpanel', {
        method: 'GET',
        url: `/export/events?format=ndjson&profileId=${v}`,
        headers: read,
      });
      add(`GET /export/charts projectId=${name}`, 'openpanel', {
        method: 'GET',
        url: `/export/charts?projectId=${v}&events=${encodeURIComponent('[{"name":"x"}]')}`,
        headers: read,
      });
    }
    for (const [name, v] of Object.entries(HOSTILE)) {
      const filters = encodeURIComponent(JSON.stringify([{ name: 'properties.plan', operator: 'is', value: [v] }]));
      add(`GET /export/events filter value=${name}`, 'openpanel', {
        method: 'GET',
        url: `/export/events?includes=meta,profile&filters=${filters}`,
        headers: read,
      });
      add(`GET /export/events filter name=${name}`, 'openpanel', {
        method: 'GET',
        url: `/export/events?filters=${encodeURIComponent(JSON.stringify([{ name: v, operator: 'is', value: ['x'] }]))}`,
        headers: read,
      });
      add(`GET /export/charts event=${name}`, 'openpanel', {
        method: 'GET',
        url: `/export/charts?projectId=${site.id}&events=${encodeURIComponent(JSON.stringify([{ name: v, filters: [{ name: 'properties.plan', operator: 'regex', value: [v] }] }]))}`,
        headers: read,
      });
      add(`GET /export/charts breakdown=${name}`, 'openpanel', {
        method: 'GET',
        url: `/export/charts?projectId=${site.id}&events=${encodeURIComponent('[{"name":"*"}]')}&breakdowns=${encodeURIComponent(JSON.stringify([{ name: v }]))}`,
        headers: read,
      });
    }
    add('GET /export/events includes=meta after hostile names', 'openpanel', {
      method: 'GET',
      url: '/export/events?includes=meta,profile&limit=1000',
      headers: read,
    });
  }

  function shapeOf(shape: Shape, status: number, text: string): string | undefined {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text);
    } catch {
      return `not JSON: ${text.slice(0, 80)}`;
    }
    if (shape === 'openpanel' && !(json.status === status && typeof json.error === 'string' && typeof json.message === 'string'))
      return `not {status,error,message}: ${text.slice(0, 120)}`;
    if (shape === 'posthog' && !(typeof json.type === 'string' && typeof json.code === 'string' && typeof json.detail === 'string'))
      return `not PostHog's {type,code,detail}: ${text.slice(0, 120)}`;
    if (shape === 'tracking' && !(json.success === false && typeof json.message === 'string'))
      return `not {success:false,message}: ${text.slice(0, 120)}`;
    return undefined;
  }

  it('answers no input with a 5xx, and every refusal in the route error shape', () => {
    const wrong: string[] = [];
    for (const probe of probes) {
      const { status, body: text } = answers.get(probe)!;
      if (status >= 500) wrong.push(`${probe.label}: ${status} ${text.slice(0, 160)}`);
      else if (status >= 400) {
        const problem = shapeOf(probe.shape, status, text);
        if (problem) wrong.push(`${probe.label}: ${status} ${problem}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(probes.length).toBeGreaterThan(400);
  });

  it('stores every acknowledged event exactly once, and nothing of a refused request', async () => {
    const stored = new Map<string, number>();
    for (const row of await storedEvents(t, site.id)) {
      const m = row.properties?.marker;
      if (typeof m === 'string') stored.set(m, (stored.get(m) ?? 0) + 1);
    }
    const wrong: string[] = [];
    for (const probe of probes) {
      const { status } = answers.get(probe)!;
      const ok = status >= 200 && status < 300;
      for (const m of probe.good)
        if ((stored.get(m) ?? 0) !== (ok ? 1 : 0))
          wrong.push(`${probe.label}: good event ${m} stored ${stored.get(m) ?? 0} times after ${status}`);
      for (const m of probe.hostile) {
        const n = stored.get(m) ?? 0;
        if (n > 1 || (!ok && n > 0)) wrong.push(`${probe.label}: hostile event ${m} stored ${n} times after ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps serving', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz/live' })).statusCode).toBe(200);
    const res = await t.app.inject({
      method: 'POST',
      url: '/track',
      headers: { ...authHeaders(site.writeClient), 'content-type': 'application/json', 'user-agent': USER_AGENTS.chrome },
      payload: { type: 'track', payload: { name: 'after_hostile' } },
    });
    expect(res.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/export/events?includes=meta', headers: authHeaders(reader) })).statusCode).toBe(200);
  });
});
