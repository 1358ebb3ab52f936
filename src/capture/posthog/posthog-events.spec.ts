import { ApiError } from '@app/common';
import { posthogBatch, type PosthogRequestContext } from './posthog-events';

const NOW = new Date('2024-05-01T12:00:00.000Z');
const CTX: PosthogRequestContext = { receivedAt: NOW, ip: '203.0.113.9', userAgent: '', projectId: 'p1', engage: false };
const UUID = '0190a6d2-8c1e-7c4e-9a55-0123456789ab';

const batch = (events: unknown[], ctx: Partial<PosthogRequestContext> = {}, extra: { sentAt?: unknown; historical?: boolean } = {}) =>
  posthogBatch({ events, historical: extra.historical ?? false }, { ...CTX, ...ctx, sentAt: extra.sentAt });

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return `${e.kind}: ${e.message}`;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('posthogBatch', () => {
  it('maps an event: name, distinct id, uuid, properties without credentials, page fields, context', () => {
    const { events, updates } = batch([
      {
        event: '$pageview',
        distinct_id: 'user-1',
        uuid: UUID.toUpperCase(),
        api_key: 'k',
        properties: {
          token: 'k',
          $current_url: 'https://shop.example.com/cart?x=1',
          $referrer: 'https://google.com/',
          $lib: 'web',
          $lib_version: '1.449.0',
          $raw_user_agent: 'Mozilla/5.0 (Windows NT 10.0)',
          $ip: '198.51.100.7',
          $device_id: 'dev-1',
          $groups: { company: 'acme' },
          plan: 'pro',
        },
      },
    ]);
    expect(updates).toEqual([]);
    expect(events).toEqual([
      expect.objectContaining({
        id: UUID,
        name: '$pageview',
        projectId: 'p1',
        profileId: 'user-1',
        deviceId: 'dev-1',
        receivedAt: NOW,
        clientTimestamp: NOW.getTime(),
        groups: ['acme'],
        path: 'https://shop.example.com/cart?x=1',
        referrer: 'https://google.com/',
        context: {
          ip: '203.0.113.9',
          namedIp: '198.51.100.7',
          userAgent: 'Mozilla/5.0 (Windows NT 10.0)',
          sdkName: 'web',
          sdkVersion: '1.449.0',
          origin: undefined,
        },
      }),
    ]);
    expect(events[0].properties).toEqual({
      $current_url: 'https://shop.example.com/cart?x=1',
      $referrer: 'https://google.com/',
      $lib: 'web',
      $lib_version: '1.449.0',
      $raw_user_agent: 'Mozilla/5.0 (Windows NT 10.0)',
      $device_id: 'dev-1',
      $groups: { company: 'acme' },
      plan: 'pro',
    });
  });

  it('distinct_id at the root, as $distinct_id or in properties; numbers and objects stringified; 200 chars at most', () => {
    const ids = batch([
      { event: 'a', distinct_id: 42 },
      { event: 'a', $distinct_id: 'root$' },
      { event: 'a', properties: { distinct_id: 'props' } },
      { event: 'a', distinct_id: { id: 1 } },
      { event: 'a', distinct_id: 'x'.repeat(300) },
    ]).events.map((e) => e.profileId);
    expect(ids).toEqual(['42', 'root$', 'props', '{"id":1}', 'x'.repeat(200)]);
  });

  it('refuses the whole request for a missing name or distinct id, or an invalid uuid', () => {
    expect(refusal(() => batch([{ event: 'ok', distinct_id: 'd' }, { distinct_id: 'd' }]))).toBe('bad_request: Event 1: Missing "event"');
    expect(refusal(() => batch([{ event: 'a' }]))).toBe('bad_request: Event 0: Missing "distinct_id"');
    expect(refusal(() => batch([{ event: 'a', distinct_id: 'd', uuid: 'not-a-uuid' }]))).toBe(
      'bad_request: Event 0: "uuid" is not a valid UUID',
    );
    expect(refusal(() => batch(['text']))).toBe('bad_request: Event 0: An event must be an object');
  });

  it('clock skew with sent_at and offset; ?ip= and the request address', () => {
    const { events } = batch(
      [
        { event: 'a', distinct_id: 'd', timestamp: '2024-05-01T11:59:55Z' },
        { event: 'b', distinct_id: 'd', offset: 3_600_000 },
      ],
      {},
      { sentAt: '2024-05-01T12:00:05Z' },
    );
    expect(events.map((e) => e.clientTimestamp)).toEqual([Date.parse('2024-05-01T11:59:50.000Z'), Date.parse('2024-05-01T11:00:00.000Z')]);
    expect(events[0].context.ip).toBe('203.0.113.9');
  });

  it('$set / $set_once (root or properties) update the profile before the event', () => {
    const { events, updates } = batch([
      {
        event: 'signup',
        distinct_id: 'u',
        $set: { email: 'a@b.c', plan: 'pro' },
        properties: { $set_once: { first_seen: 'x' }, $set: { plan: 'free', team: 't' } },
      },
    ]);
    expect(updates).toEqual([
      {
        kind: 'profile',
        update: { profileId: 'u', email: 'a@b.c', properties: { plan: 'pro', team: 't' }, propertiesOnce: { first_seen: 'x' } },
      },
    ]);
    expect(events[0].properties).toEqual({});
  });

  it('$identify with $anon_distinct_id aliases the anonymous id; $create_alias; $groupidentify', () => {
    const { updates, events } = batch([
      { event: '$identify', distinct_id: 'user', properties: { $anon_distinct_id: 'anon', $set: { first_name: 'Ada' } } },
      { event: '$create_alias', distinct_id: 'user', properties: { alias: 'other-id' } },
      {
        event: '$groupidentify',
        distinct_id: '$company_acme',
        properties: { $group_type: 'company', $group_key: 'acme', $group_set: { name: 'Acme', seats: 5 } },
      },
    ]);
    expect(updates).toEqual([
      { kind: 'profile', update: { profileId: 'user', firstName: 'Ada' } },
      { kind: 'alias', profileId: 'user', alias: 'anon' },
      { kind: 'alias', profileId: 'user', alias: 'other-id' },
      { kind: 'group', group: { id: 'acme', type: 'company', name: 'Acme', properties: { seats: 5 } } },
    ]);
    expect(events.map((e) => e.name)).toEqual(['$identify', '$create_alias', '$groupidentify']);
  });

  it('/engage: a body without event is an $identify; $performance_event is dropped; historical events are imports', () => {
    expect(batch([{ $distinct_id: 'u', $token: 'k', $set: { a: 1 } }], { engage: true }).updates).toEqual([
      { kind: 'profile', update: { profileId: 'u', properties: { a: 1 } } },
    ]);
    expect(batch([{ event: '$performance_event', distinct_id: 'd' }]).events).toEqual([]);
    expect(batch([{ event: 'a', distinct_id: 'd' }], {}, { historical: true }).events[0].importedAt).toEqual(NOW);
  });

  it('$host + $pathname make the page when $current_url is missing; $direct is no referrer', () => {
    const [event] = batch([
      { event: '$pageview', distinct_id: 'd', properties: { $host: 'example.com', $pathname: '/a', $referrer: '$direct' } },
    ]).events;
    expect(event.path).toBe('https://example.com/a');
    expect(event.referrer).toBeUndefined();
  });

  it('drops an event whose profile, group or properties break a storage rule, with its changes; the others stay', () => {
    let deep: Record<string, unknown> = { v: 1 };
    for (let i = 0; i < 5_000; i++) deep = { d: deep };
    const out = batch([
      { event: 'ok', distinct_id: 'a' },
      { event: 'bad', distinct_id: 'b', $set: { email: 'x'.repeat(321), plan: 'pro' } },
      { event: '$groupidentify', distinct_id: 'c', properties: { $group_type: 'company', $group_key: 'k'.repeat(256) } },
      { event: 'deep', distinct_id: 'd', $set: deep },
      { event: 'deep_id', distinct_id: deep },
      { event: 'ok', distinct_id: 'e', $set: { first_name: 'Ada' } },
    ]);
    expect(out.events.map((e) => e.profileId)).toEqual(['a', 'e']);
    expect(out.updates).toEqual([{ kind: 'profile', update: { profileId: 'e', firstName: 'Ada' } }]);
    expect(out.dropped).toEqual([
      { index: 1, reason: 'profile.email must not be longer than 320 characters' },
      { index: 2, reason: 'group.id must not be longer than 255 characters' },
      { index: 3, reason: 'profile.properties nests deeper than 32 levels' },
      { index: 4, reason: 'distinct_id nests deeper than 32 levels' },
    ]);
  });
});
