import { ApiError } from '@app/common';
import { basicAuth } from './segment-request.decoder';
import { segmentBatch, segmentMessages, type SegmentRequestContext } from './segment-messages';

const NOW = new Date('2024-05-01T12:00:00.000Z');
const CTX: SegmentRequestContext = { receivedAt: NOW, ip: '203.0.113.9', userAgent: '', projectId: 'p1' };

describe('segmentMessages', () => {
  it("a single call is one message of the route's type", () => {
    expect(segmentMessages('track', { event: 'a' })).toEqual([{ type: 'track', message: { event: 'a' } }]);
  });

  it("a batch merges its context and integrations under each item's own, and lends its sentAt", () => {
    const messages = segmentMessages('batch', {
      context: { ip: '1.1.1.1', library: { name: 'lib' } },
      integrations: { All: false },
      sentAt: 'S',
      batch: [
        { type: 'track', event: 'a', context: { ip: '2.2.2.2' } },
        { type: 'nope' },
        { type: 'identify', userId: 'u', integrations: { X: true } },
      ],
    });
    expect(messages).toEqual([
      {
        type: 'track',
        message: {
          type: 'track',
          event: 'a',
          context: { ip: '2.2.2.2', library: { name: 'lib' } },
          integrations: { All: false },
          sentAt: 'S',
        },
      },
      {
        type: 'identify',
        message: {
          type: 'identify',
          userId: 'u',
          context: { ip: '1.1.1.1', library: { name: 'lib' } },
          integrations: { All: false, X: true },
          sentAt: 'S',
        },
      },
    ]);
  });

  it('2501 items → 400; a body that is not an object → 400', () => {
    expect(() => segmentMessages('batch', { batch: Array.from({ length: 2501 }, () => ({ type: 'track' })) })).toThrow(ApiError);
    expect(() => segmentMessages('track', [1])).toThrow(ApiError);
  });
});

describe('segmentBatch', () => {
  const one = (type: Parameters<typeof segmentMessages>[0], message: Record<string, unknown>) =>
    segmentBatch(segmentMessages(type, message), CTX);

  it('track: event, ids, messageId, timestamp, context', () => {
    const { events } = one('track', {
      event: 'Order Completed',
      userId: 'u1',
      anonymousId: 'a1',
      messageId: 'm-1',
      timestamp: '2024-05-01T11:00:00Z',
      properties: { total: 10 },
      context: { ip: '198.51.100.7', userAgent: 'Mozilla/5.0 X', library: { name: 'analytics-node', version: '3.1.0' }, groupId: 'g1' },
    });
    expect(events).toEqual([
      {
        id: 'm-1',
        name: 'Order Completed',
        projectId: 'p1',
        profileId: 'u1',
        deviceId: 'a1',
        receivedAt: NOW,
        clientTimestamp: Date.parse('2024-05-01T11:00:00.000Z'),
        properties: { total: 10 },
        groups: ['g1'],
        context: {
          ip: '203.0.113.9',
          namedIp: '198.51.100.7',
          userAgent: 'Mozilla/5.0 X',
          sdkName: 'analytics-node',
          sdkVersion: '3.1.0',
          origin: undefined,
        },
        path: undefined,
        referrer: undefined,
      },
    ]);
  });

  it('originalTimestamp is corrected by sentAt', () => {
    const [event] = one('track', {
      event: 'a',
      userId: 'u',
      originalTimestamp: '2024-05-01T11:59:55Z',
      sentAt: '2024-05-01T12:00:05Z',
    }).events;
    expect(event.clientTimestamp).toBe(Date.parse('2024-05-01T11:59:50.000Z'));
  });

  it('page and screen become screen_view with the page URL, referrer and title', () => {
    const page = one('page', {
      anonymousId: 'a',
      name: 'Home',
      properties: { url: 'https://example.com/home', referrer: 'https://r.com/', title: 'Welcome' },
    }).events[0];
    expect(page).toMatchObject({
      name: 'screen_view',
      profileId: 'a',
      path: 'https://example.com/home',
      referrer: 'https://r.com/',
      properties: { name: 'Home', __title: 'Welcome' },
    });
    const screen = one('screen', { userId: 'u', name: 'Settings' }).events[0];
    expect(screen).toMatchObject({ name: 'screen_view', path: 'Settings' });
  });

  it('identify, group and alias become profile, group and alias changes; no event', () => {
    expect(one('identify', { userId: 'u', anonymousId: 'a', traits: { email: 'a@b.c', firstName: 'Ada', plan: 'pro' } })).toEqual({
      dropped: [],
      events: [],
      updates: [
        { kind: 'profile', update: { profileId: 'u', email: 'a@b.c', firstName: 'Ada', properties: { plan: 'pro' } } },
        { kind: 'alias', profileId: 'u', alias: 'a' },
      ],
    });
    expect(one('group', { userId: 'u', groupId: 'g1', traits: { name: 'Acme', type: 'company', seats: 3 } }).updates).toEqual([
      { kind: 'group', group: { id: 'g1', type: 'company', name: 'Acme', properties: { seats: 3 } } },
      { kind: 'assign', profileId: 'u', groupIds: ['g1'] },
    ]);
    expect(one('alias', { userId: 'u', previousId: 'old' }).updates).toEqual([{ kind: 'alias', profileId: 'u', alias: 'old' }]);
  });

  it('drops what it cannot use: no user id nor anonymous id, a track without event', () => {
    expect(one('track', { event: 'a' })).toEqual({ events: [], updates: [], dropped: [] });
    expect(one('track', { userId: 'u' })).toEqual({ events: [], updates: [], dropped: [] });
  });

  it('drops a message whose profile, group or properties break a storage rule, naming the field only', () => {
    expect(one('identify', { userId: 'u', traits: { email: 'x'.repeat(321) } })).toEqual({
      events: [],
      updates: [],
      dropped: [{ index: 0, reason: 'profile.email must not be longer than 320 characters' }],
    });
    expect(one('group', { userId: 'u', groupId: 'g', traits: { type: 't'.repeat(256) } }).dropped).toEqual([
      { index: 0, reason: 'group.type must not be longer than 255 characters' },
    ]);
    let deep: Record<string, unknown> = { v: 1 };
    for (let i = 0; i < 40; i++) deep = { d: deep };
    expect(one('track', { event: 'e', userId: 'u', properties: deep })).toEqual({
      events: [],
      updates: [],
      dropped: [{ index: 0, reason: 'event.properties nests deeper than 32 levels' }],
    });
    // An id cut at 200 units between the halves of an emoji keeps whole characters only.
    expect(one('track', { event: 'e', userId: `x${'😀'.repeat(150)}` }).events[0].profileId).toBe(`x${'😀'.repeat(99)}`);
    expect(one('track', { event: 'e', userId: 'u\u0000' }).dropped).toEqual([
      { index: 0, reason: 'event.profileId must not contain U+0000 or a lone surrogate' },
    ]);
  });
});

describe('basicAuth', () => {
  it('reads the write key and the optional password', () => {
    expect(basicAuth(`Basic ${Buffer.from('key:').toString('base64')}`)).toEqual({ user: 'key', password: undefined });
    expect(basicAuth(`basic ${Buffer.from('key:sec').toString('base64')}`)).toEqual({ user: 'key', password: 'sec' });
    expect(basicAuth('Bearer x')).toEqual({});
    expect(basicAuth(undefined)).toEqual({});
  });
});
