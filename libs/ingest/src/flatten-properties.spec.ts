import { flattenProperties } from './flatten-properties';

describe('flattenProperties', () => {
  it('flattens nested objects and arrays to dot keys with string values', () => {
    expect(
      flattenProperties({
        plan: 'pro',
        seats: 3,
        price: 9.5,
        trial: false,
        nested: { a: { b: 'c' }, n: 0 },
        tags: ['x', 'y'],
        items: [{ sku: 'A' }, { sku: 'B', qty: 2 }],
      }),
    ).toEqual({
      plan: 'pro',
      seats: '3',
      price: '9.5',
      trial: 'false',
      'nested.a.b': 'c',
      'nested.n': '0',
      'tags.0': 'x',
      'tags.1': 'y',
      'items.0.sku': 'A',
      'items.1.sku': 'B',
      'items.1.qty': '2',
    });
  });

  it('drops null, undefined, empty strings, non-finite numbers and functions', () => {
    expect(flattenProperties({ a: null, b: undefined, c: '', d: NaN, e: Infinity, f: () => 1, g: ' ', h: [], i: {} })).toEqual({ g: ' ' });
  });

  it('stringifies dates and bigints', () => {
    expect(flattenProperties({ at: new Date('2024-01-02T03:04:05.000Z'), big: 10n, bad: new Date('x') })).toEqual({
      at: '2024-01-02T03:04:05.000Z',
      big: '10',
    });
  });

  it('leaves out the special properties ingestion consumes, and keeps the others', () => {
    expect(
      flattenProperties({
        __path: 'https://e.com',
        __referrer: 'https://r.com',
        __timestamp: '2024-01-01T00:00:00Z',
        __ip: '1.2.3.4',
        __deviceId: 'd',
        __revenue: 100,
        __identify: { a: 1 },
        __id: 'k',
        __ua: 'x',
        __title: 'Title',
        __screen: '1920x1080',
        __query: { utm_source: 'news' },
        __hash: '#top',
      }),
    ).toEqual({
      __title: 'Title',
      __screen: '1920x1080',
      '__query.utm_source': 'news',
      __hash: '#top',
    });
  });

  it('omits only the given top-level keys when asked', () => {
    expect(flattenProperties({ __path: '/a', keep: { __path: 'nested' } }, { omitTopLevel: new Set() })).toEqual({
      __path: '/a',
      'keep.__path': 'nested',
    });
  });

  it('returns an empty map for non-objects', () => {
    for (const input of [null, undefined, 'str', 42, ['a']]) expect(flattenProperties(input)).toEqual({});
  });

  it('caps depth at 10 levels', () => {
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    let nine: Record<string, unknown> = { leaf: 'ok' };
    for (let i = 0; i < 8; i++) nine = { d: nine };
    const out = flattenProperties({ deep, nine });
    expect(out).toEqual({ [`nine.${'d.'.repeat(8)}leaf`]: 'ok' });
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    const out = flattenProperties({ a });
    expect(out['a.name']).toBe('a');
    expect(out[`a.${'self.'.repeat(8)}name`]).toBe('a');
    expect(Object.keys(out)).toHaveLength(9);
  });

  it('caps entries, key length and value length', () => {
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(flattenProperties(wide))).toHaveLength(1000);
    expect(Object.keys(flattenProperties({ list: Array.from({ length: 5000 }, () => 'v') }))).toHaveLength(1000);
    expect(flattenProperties(wide, { maxEntries: 3 })).toEqual({ k0: '0', k1: '1', k2: '2' });

    const longKey = 'k'.repeat(300);
    expect(flattenProperties({ [longKey]: 'v', nested: { [longKey]: 'v' }, ok: 'v' })).toEqual({ ok: 'v' });

    expect(flattenProperties({ big: 'x'.repeat(100_000) }).big).toHaveLength(8192);
    expect(flattenProperties({ big: 'x'.repeat(100) }, { maxValueLength: 10 }).big).toHaveLength(10);
  });

  it('does not let __proto__ or empty keys through', () => {
    const hostile = JSON.parse('{"__proto__":{"polluted":"yes"},"a":{"__proto__":"x","":"y","b":"1"},"":"z"}') as Record<string, unknown>;
    const out = flattenProperties(hostile);
    expect(out).toEqual({ 'a.b': '1' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('lets a later key overwrite an earlier one that flattens to the same name', () => {
    expect(flattenProperties({ 'a.b': '1', a: { b: '2' } })).toEqual({ 'a.b': '2' });
  });
});
