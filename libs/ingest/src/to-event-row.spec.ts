import { EVENT_ROW_COLUMNS, type IncomingEvent } from './incoming-event';
import { stableEventId } from './event-id';
import { toClickhouseDateTime } from '@app/common';
import { toEventRow, type Enrichment } from './to-event-row';
import { readSpecialProperties } from './special-properties';
import { applyUserAgentOverrides, parseUserAgent } from './user-agent';

const CHROME_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

function event(overrides: Partial<IncomingEvent> = {}): IncomingEvent {
  return {
    id: '0b7e3a9c-5c1e-4a57-9d8e-3f2d7c1b6a90',
    name: 'screen_view',
    projectId: 'proj',
    profileId: 'user-1',
    receivedAt: new Date('2024-06-01T12:00:00.000Z'),
    properties: {
      __path: 'https://shop.example.com/pricing?utm_source=newsletter&plan=pro#faq',
      __referrer: 'https://www.google.com/',
      __title: 'Pricing',
      __timestamp: '2024-06-01T11:59:00.000Z',
      __ip: '8.8.8.8',
      __revenue: 1999,
      cart: { items: [{ sku: 'A', qty: 2 }], coupon: null },
      empty: '',
    },
    groups: ['team-1', 'team-1', ''],
    context: { ip: '8.8.8.8', userAgent: CHROME_MAC, sdkName: 'web', sdkVersion: '1.0.1', origin: 'https://shop.example.com' },
    ...overrides,
  };
}

const enrichment: Enrichment = {
  deviceId: 'dev-1',
  sessionId: 'sess-1',
  createdAt: new Date('2024-06-01T11:59:00.000Z'),
  geo: {
    country: 'United States',
    country_code: 'US',
    city: 'Mountain View',
    region: 'California',
    longitude: -122.085,
    latitude: 37.422,
  },
};

describe('toEventRow', () => {
  it('builds every column of an OpenPanel screen view', () => {
    expect(toEventRow(event(), enrichment)).toEqual({
      id: '0b7e3a9c-5c1e-4a57-9d8e-3f2d7c1b6a90',
      name: 'screen_view',
      device_id: 'dev-1',
      profile_id: 'user-1',
      project_id: 'proj',
      session_id: 'sess-1',
      groups: ['team-1'],
      path: '/pricing',
      origin: 'https://shop.example.com',
      referrer: 'https://www.google.com',
      referrer_name: 'newsletter',
      referrer_type: '',
      revenue: 1999,
      duration: 0,
      properties: {
        __title: 'Pricing',
        'cart.items.0.sku': 'A',
        'cart.items.0.qty': '2',
        '__query.utm_source': 'newsletter',
        '__query.plan': 'pro',
        __hash: '#faq',
      },
      created_at: '2024-06-01 11:59:00.000',
      country: 'United States',
      country_code: 'US',
      city: 'Mountain View',
      region: 'California',
      longitude: -122.085,
      latitude: 37.422,
      os: 'Mac OS',
      os_version: '10.15.7',
      browser: 'Chrome',
      browser_version: '124.0.0.0',
      device: 'desktop',
      brand: 'Apple',
      model: 'Macintosh',
      sdk_name: 'web',
      sdk_version: '1.0.1',
      imported_at: null,
    });
  });

  it('has exactly the columns of the events table', () => {
    expect(Object.keys(toEventRow(event(), enrichment)).sort()).toEqual([...EVENT_ROW_COLUMNS].sort());
  });

  it('lets event fields win over special properties', () => {
    const row = toEventRow(
      event({ path: 'https://other.example.org/docs', referrer: 'https://t.co/abc', revenue: 5, duration: 1234.4 }),
      enrichment,
    );
    expect(row).toMatchObject({
      path: '/docs',
      origin: 'https://other.example.org',
      referrer: 'https://t.co/abc',
      referrer_name: 'Twitter',
      referrer_type: 'social',
      revenue: 5,
      duration: 1234,
    });
    expect(row.properties['__query.utm_source']).toBeUndefined();
  });

  it('drops internal referrers', () => {
    const row = toEventRow(event({ properties: { __path: 'https://example.com/b', __referrer: 'https://www.example.com/a' } }), enrichment);
    expect([row.referrer, row.referrer_name, row.referrer_type]).toEqual(['', '', '']);
  });

  it('uses the origin header when the event has no page URL', () => {
    const row = toEventRow(
      event({
        properties: { __referrer: 'https://shop.example.com/cart' },
        context: { ip: '', userAgent: '', origin: 'https://shop.example.com' },
      }),
      enrichment,
    );
    expect(row).toMatchObject({ path: '', origin: 'https://shop.example.com', referrer: '', referrer_name: '' });
  });

  it('keeps client __query and __hash only when there is no page URL', () => {
    const withoutUrl = toEventRow(event({ properties: { __query: { a: '1' }, __hash: '#x' } }), enrichment);
    expect(withoutUrl.properties).toEqual({ '__query.a': '1', __hash: '#x' });
    const withUrl = toEventRow(event({ properties: { __path: '/p?b=2', __query: { a: '1' }, __hash: '#x' } }), enrichment);
    expect(withUrl.properties).toEqual({ '__query.b': '2' });
    expect(withUrl.path).toBe('/p');
  });

  it('keeps a screen name as the path', () => {
    expect(toEventRow(event({ properties: { __path: 'CheckoutScreen' } }), enrichment)).toMatchObject({
      path: 'CheckoutScreen',
      origin: 'https://shop.example.com',
    });
  });

  it('fills absent optional values with empty defaults', () => {
    const row = toEventRow(
      {
        name: 'signup',
        projectId: 'proj',
        receivedAt: new Date(),
        properties: {},
        groups: [],
        context: { ip: '', userAgent: '' },
      },
      { deviceId: '', sessionId: '', createdAt: new Date('2024-01-01T00:00:00Z'), id: 'f1' },
    );
    expect(row).toMatchObject({
      id: 'f1',
      profile_id: '',
      path: '',
      origin: '',
      referrer: '',
      revenue: 0,
      duration: 0,
      properties: {},
      country: '',
      longitude: null,
      latitude: null,
      os: '',
      device: 'server',
      sdk_name: '',
      sdk_version: '',
      imported_at: null,
    });
  });

  it('maps a non-UUID client id to a stable UUID and generates one when absent', () => {
    expect(toEventRow(event({ id: 'retry-key' }), enrichment).id).toBe(stableEventId('proj', 'retry-key'));
    expect(toEventRow(event({ id: undefined }), enrichment).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects invalid revenue and duration', () => {
    const row = toEventRow(event({ revenue: -5, duration: -3, properties: {} }), enrichment);
    expect([row.revenue, row.duration]).toEqual([0, 0]);
    expect(toEventRow(event({ properties: { __revenue: 1.5 } }), enrichment).revenue).toBe(0);
  });

  it('applies native SDK device overrides to the user agent it parses', () => {
    const native = event({ properties: { __os: 'iOS', __model: 'iPhone16,2' }, context: { ip: '8.8.8.8', userAgent: 'okhttp/4.9.0' } });
    const row = toEventRow(native, { ...enrichment, userAgent: undefined });
    expect(row).toMatchObject({ os: 'iOS', model: 'iPhone16,2', browser: '' });
    expect(row.properties).toMatchObject({ __os: 'iOS', __model: 'iPhone16,2' });
  });

  it('takes a given user agent as final, the overrides already applied by the caller', () => {
    const info = applyUserAgentOverrides(parseUserAgent('okhttp/4.9.0'), { __os: 'Android' });
    const row = toEventRow(event({ properties: { __os: 'iOS' } }), { ...enrichment, userAgent: info });
    expect(row).toMatchObject({ os: 'Android', browser: '' });
  });

  it('takes given special properties as read, instead of reading them again', () => {
    const row = toEventRow(event({ properties: { __path: 'https://shop.example.com/a' } }), {
      ...enrichment,
      special: readSpecialProperties({ __path: 'https://shop.example.com/b' }),
    });
    expect(row.path).toBe('/b');
  });

  it('formats imported_at', () => {
    expect(toEventRow(event({ importedAt: new Date('2024-06-02T01:02:03.456Z') }), enrichment).imported_at).toBe('2024-06-02 01:02:03.456');
    expect(toEventRow(event({ importedAt: new Date('x') }), enrichment).imported_at).toBeNull();
  });
});

describe('toClickhouseDateTime', () => {
  it('formats in UTC with milliseconds', () => {
    expect(toClickhouseDateTime(new Date('2024-02-29T23:59:59.007+01:00'))).toBe('2024-02-29 22:59:59.007');
  });

  it('agrees with the ISO form for any instant, padding every field', () => {
    const iso = (d: Date) => d.toISOString().slice(0, 23).replace('T', ' ');
    const edges = [0, 1, 999, Date.UTC(1000, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(2026, 0, 1, 0, 0, 0, 5)];
    for (const ms of edges) expect(toClickhouseDateTime(new Date(ms))).toBe(iso(new Date(ms)));
    for (let i = 0; i < 2000; i++) {
      const d = new Date(Math.floor(Math.random() * 4e12));
      expect(toClickhouseDateTime(d)).toBe(iso(d));
    }
    expect(toClickhouseDateTime(new Date(Date.UTC(12000, 0, 1)))).toBe(iso(new Date(Date.UTC(12000, 0, 1))));
  });
});
