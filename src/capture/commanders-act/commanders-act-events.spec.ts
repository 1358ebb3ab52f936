import { commandersActBatch, type CommandersActRequestContext } from './commanders-act-events';

const NOW = new Date('2024-05-01T12:00:00.000Z');
const CTX: CommandersActRequestContext = { receivedAt: NOW, ip: '203.0.113.9', userAgent: '', projectId: 'p1' };
const AT = Date.parse('2024-05-01T11:30:00Z');

describe('commandersActBatch', () => {
  it('v2: data at the root, user and context objects', () => {
    const { events, updates } = commandersActBatch(
      {
        event_name: 'purchase',
        id: 'order-1',
        value: 12.5,
        currency: 'EUR',
        items: [{ id: 'sku-1', quantity: 1 }],
        user: { id: 'u1', consistent_anonymous_id: 'anon-1', email: 'a@b.c' },
        context: {
          event_id: 'ev-1',
          event_timestamp: AT,
          page: { url: 'https://shop.example.com/thanks', title: 'Thanks', referrer: 'https://shop.example.com/cart' },
          device: { ip: '198.51.100.7', user_agent: 'Mozilla/5.0 X' },
        },
      },
      CTX,
    );
    expect(updates).toEqual([{ kind: 'profile', update: { profileId: 'u1', email: 'a@b.c' } }]);
    expect(events).toEqual([
      {
        id: 'ev-1',
        name: 'purchase',
        projectId: 'p1',
        profileId: 'u1',
        deviceId: 'anon-1',
        receivedAt: NOW,
        clientTimestamp: Date.parse('2024-05-01T11:30:00.000Z'),
        properties: { id: 'order-1', value: 12.5, currency: 'EUR', items: [{ id: 'sku-1', quantity: 1 }], __title: 'Thanks' },
        groups: [],
        context: { ip: '203.0.113.9', namedIp: '198.51.100.7', userAgent: 'Mozilla/5.0 X', origin: undefined },
        path: 'https://shop.example.com/thanks',
        referrer: 'https://shop.example.com/cart',
      },
    ]);
  });

  it('v1: data in properties, context at the root', () => {
    const [event] = commandersActBatch(
      {
        event_name: 'page_view',
        event_id: 'ev-2',
        event_timestamp: AT,
        page: { url: 'https://a.com/x' },
        user: { consistent_anonymous_id: 'anon' },
        properties: { section: 'news' },
      },
      CTX,
    ).events;
    expect(event).toMatchObject({
      id: 'ev-2',
      name: 'page_view',
      profileId: 'anon',
      clientTimestamp: Date.parse('2024-05-01T11:30:00.000Z'),
      path: 'https://a.com/x',
      properties: { section: 'news' },
    });
    expect(event.context.ip).toBe('203.0.113.9');
  });

  it('no event_name → nothing (still a 200)', () => {
    expect(commandersActBatch({ user: { id: 'u' } }, CTX)).toEqual({ events: [], updates: [], dropped: [] });
  });

  it('a too long user.email drops the event with it', () => {
    expect(commandersActBatch({ event_name: 'e', user: { id: 'u', email: 'x'.repeat(321) } }, CTX)).toEqual({
      events: [],
      updates: [],
      dropped: [{ index: 0, reason: 'profile.email must not be longer than 320 characters' }],
    });
  });
});
