import { IngestBatch } from '@app/ingest';
import type { IngestContext } from '../auth';
import type { TrackItem } from './track-checks';
import { addTrackItem, needsDeviceId, trackBatch } from './track-items';

const RECEIVED = new Date('2024-05-01T12:00:00.000Z');
const CTX: IngestContext = {
  source: { projectId: 'p1', trusted: false, channel: 'openpanel' },
  receivedAt: RECEIVED,
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0',
  origin: 'https://example.com',
  sdkName: 'web',
  sdkVersion: '1.2.3',
};

function one(item: TrackItem, deviceId?: string, idempotencyKey?: string): IngestBatch {
  const batch = new IngestBatch();
  addTrackItem(batch, 0, item, { ctx: CTX, deviceId, idempotencyKey });
  return batch;
}

describe('addTrackItem (OpenPanel /track → the ingestion batch)', () => {
  it('track: an event with the request context, the idempotency key as its id, a numeric profileId as text', () => {
    const batch = one(
      { type: 'track', payload: { name: 'signup', profileId: 42, properties: { plan: 'pro' }, groups: ['g1'] } },
      undefined,
      'key-1',
    );
    expect(batch.updates).toEqual([]);
    expect(batch.events).toEqual([
      {
        id: 'key-1',
        name: 'signup',
        projectId: 'p1',
        profileId: '42',
        receivedAt: RECEIVED,
        properties: { plan: 'pro' },
        groups: ['g1'],
        context: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0', sdkName: 'web', sdkVersion: '1.2.3', origin: 'https://example.com' },
      },
    ]);
    expect(batch.itemOfEvent(0)).toBe(0);
  });

  it('track without profileId, properties or groups: none, {} and []', () => {
    const [event] = one({ type: 'track', payload: { name: 'e', profileId: null } }).events;
    expect(event.profileId).toBeUndefined();
    expect(event.properties).toEqual({});
    expect(event.groups).toEqual([]);
  });

  it("__identify: a profile change applied before its event, tied to it (skipped when the event is a bot's)", () => {
    const withFields = one({
      type: 'track',
      payload: { name: 'e', profileId: 7, properties: { __identify: { email: 'a@b.c', firstName: 'Ada', properties: { plan: 'pro' } } } },
    });
    expect(withFields.updates).toEqual([
      { kind: 'profile', update: { profileId: '7', email: 'a@b.c', firstName: 'Ada', properties: { plan: 'pro' } } },
    ]);
    expect(withFields.eventOfUpdate(0)).toBe(withFields.events[0]);
    expect(withFields.itemOfUpdate(0)).toBe(0);

    expect(one({ type: 'track', payload: { name: 'e', profileId: 'u', properties: { __identify: true } } }).updates).toEqual([
      { kind: 'profile', update: { profileId: 'u' } },
    ]);
    // Without a profile id there is nobody to identify.
    expect(one({ type: 'track', payload: { name: 'e', properties: { __identify: true } } }).updates).toEqual([]);
  });

  it('identify: the profile fields, numeric profileId as text; not tied to an event', () => {
    const batch = one({
      type: 'identify',
      payload: { profileId: 5, firstName: 'Ada', lastName: 'Lovelace', email: 'a@b.c', avatar: 'https://x/a.png', properties: { k: 1 } },
    });
    expect(batch.events).toEqual([]);
    expect(batch.updates).toEqual([
      {
        kind: 'profile',
        update: { profileId: '5', firstName: 'Ada', lastName: 'Lovelace', email: 'a@b.c', avatar: 'https://x/a.png', properties: { k: 1 } },
      },
    ]);
    expect(batch.eventOfUpdate(0)).toBeUndefined();
  });

  it('increment and decrement: by `value`, by 1 without one; decrement subtracts', () => {
    expect(one({ type: 'increment', payload: { profileId: 'u', property: 'logins' } }).updates).toEqual([
      { kind: 'increment', profileId: 'u', property: 'logins', delta: 1 },
    ]);
    expect(one({ type: 'increment', payload: { profileId: 3, property: 'a.b', value: 5 } }).updates).toEqual([
      { kind: 'increment', profileId: '3', property: 'a.b', delta: 5 },
    ]);
    expect(one({ type: 'decrement', payload: { profileId: 'u', property: 'credits' } }).updates).toEqual([
      { kind: 'increment', profileId: 'u', property: 'credits', delta: -1 },
    ]);
    expect(one({ type: 'decrement', payload: { profileId: 'u', property: 'credits', value: 2.5 } }).updates).toEqual([
      { kind: 'increment', profileId: 'u', property: 'credits', delta: -2.5 },
    ]);
  });

  it('alias and group', () => {
    expect(one({ type: 'alias', payload: { profileId: 9, alias: 'anon-1' } }).updates).toEqual([
      { kind: 'alias', profileId: '9', alias: 'anon-1' },
    ]);
    expect(one({ type: 'group', payload: { id: 'g', type: 'company', name: 'Acme', properties: { seats: 3 } } }).updates).toEqual([
      { kind: 'group', group: { id: 'g', type: 'company', name: 'Acme', properties: { seats: 3 } } },
    ]);
  });

  it("assign_group: on the named profile, else on the sender's device (not an external id)", () => {
    expect(one({ type: 'assign_group', payload: { profileId: 12, groupIds: ['g1', 'g2'] } }, 'dev-1').updates).toEqual([
      { kind: 'assign', profileId: '12', groupIds: ['g1', 'g2'], isExternal: true },
    ]);
    expect(one({ type: 'assign_group', payload: { groupIds: ['g1'] } }, 'dev-1').updates).toEqual([
      { kind: 'assign', profileId: 'dev-1', groupIds: ['g1'], isExternal: false },
    ]);
    expect(() => one({ type: 'assign_group', payload: { groupIds: ['g1'] } })).toThrow(/device id/);
  });
});

describe('trackBatch (/track/batch items)', () => {
  it('keeps the order of the items; a refused item is dropped with the reason the answer lists', () => {
    const batch = trackBatch(
      [
        { type: 'identify', payload: { profileId: 'u', email: 'a@b.c' } },
        { type: 'track', payload: {} },
        { type: 'track', payload: { name: 'a', profileId: 'u', properties: { __identify: true } } },
        'not an item',
        { type: 'identify', payload: { profileId: 'u', lastName: 'x'.repeat(256) } },
        { type: 'identify', payload: { profileId: 'u\u0000' } },
        { type: 'track', payload: { name: 'b' } },
      ],
      { ctx: CTX },
    );
    expect(batch.dropped).toEqual([
      { index: 1, reason: "payload must have required property 'name'" },
      { index: 3, reason: 'item must be object' },
      { index: 4, reason: 'payload.lastName must NOT have more than 255 characters' },
      { index: 5, reason: 'payload.profileId must not contain U+0000 or a lone surrogate' },
    ]);
    expect(batch.updates.map((u) => u.kind)).toEqual(['profile', 'profile']);
    expect([batch.itemOfUpdate(0), batch.itemOfUpdate(1)]).toEqual([0, 2]);
    expect(batch.events.map((e) => e.name)).toEqual(['a', 'b']);
    expect([batch.itemOfEvent(0), batch.itemOfEvent(1)]).toEqual([2, 6]);
    expect(batch.eventOfUpdate(1)).toBe(batch.events[0]);
  });

  it('an unknown type is refused by the item schema', () => {
    expect(trackBatch([{ type: 'nope', payload: {} }], { ctx: CTX }).dropped).toEqual([
      { index: 0, reason: 'type must be equal to one of the allowed values' },
    ]);
  });

  it('needsDeviceId: only an assign_group that names no profile', () => {
    expect(
      needsDeviceId([
        { type: 'track', payload: { name: 'a' } },
        { type: 'assign_group', payload: { profileId: 'u', groupIds: [] } },
      ]),
    ).toBe(false);
    expect(needsDeviceId([null, 'x', { type: 'assign_group', payload: { groupIds: ['g'] } }])).toBe(true);
  });
});
