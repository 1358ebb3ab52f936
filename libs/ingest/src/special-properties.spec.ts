import { CONSUMED_PROPERTY_KEYS, readSpecialProperties } from './special-properties';

describe('readSpecialProperties', () => {
  it('reads every special property of an OpenPanel track payload', () => {
    expect(
      readSpecialProperties({
        __timestamp: '2024-05-01T10:00:00.000Z',
        __ip: ' 8.8.8.8 ',
        __ua: 'Mozilla/5.0',
        __deviceId: 'dev-1',
        __path: 'https://example.com/a?b=1',
        __referrer: 'https://google.com/',
        __title: 'Home',
        __revenue: 1999,
        __identify: { firstName: 'Ada' },
        __id: 'retry-key',
        other: 1,
      }),
    ).toEqual({
      timestamp: '2024-05-01T10:00:00.000Z',
      ip: '8.8.8.8',
      userAgent: 'Mozilla/5.0',
      deviceId: 'dev-1',
      path: 'https://example.com/a?b=1',
      referrer: 'https://google.com/',
      title: 'Home',
      revenue: 1999,
      identify: { firstName: 'Ada' },
      id: 'retry-key',
    });
  });

  it('leaves out absent, empty and ill-typed values', () => {
    expect(readSpecialProperties(undefined)).toEqual({});
    expect(readSpecialProperties({ __ip: 12, __path: ['x'], __referrer: '  ', __title: null, __timestamp: {}, __deviceId: '' })).toEqual(
      {},
    );
  });

  it('accepts numeric device ids, titles and epoch timestamps', () => {
    expect(readSpecialProperties({ __deviceId: 42, __title: 7, __timestamp: 1714557600000 })).toEqual({
      deviceId: '42',
      title: '7',
      timestamp: 1714557600000,
    });
  });

  it('keeps revenue only as a non-negative safe integer of cents', () => {
    expect(readSpecialProperties({ __revenue: '250' }).revenue).toBe(250);
    expect(readSpecialProperties({ __revenue: 0 }).revenue).toBe(0);
    for (const bad of [-1, 1.5, '1.5', 'abc', '', Number.MAX_SAFE_INTEGER + 2, NaN, true]) {
      expect(readSpecialProperties({ __revenue: bad }).revenue).toBeUndefined();
    }
  });

  it('caps hostile lengths', () => {
    const special = readSpecialProperties({ __path: `https://e.com/${'a'.repeat(100_000)}`, __timestamp: 'x'.repeat(1000) });
    expect(special.path?.length).toBe(4096);
    expect(String(special.timestamp).length).toBe(64);
  });

  it('consumes the directives but not __title', () => {
    expect(CONSUMED_PROPERTY_KEYS.has('__path')).toBe(true);
    expect(CONSUMED_PROPERTY_KEYS.has('__ip')).toBe(true);
    expect(CONSUMED_PROPERTY_KEYS.has('__title')).toBe(false);
  });
});
