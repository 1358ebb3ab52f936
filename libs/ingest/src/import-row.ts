import { isPgText, isUuid, PG_TEXT_MESSAGE, toClickhouseDateTime } from '@app/common';
import { hashDeviceId } from './device-id';
import { stableEventId } from './event-id';
import { flattenProperties } from './flatten-properties';
import type { GeoInfo } from './geo';
import type { EventRow } from './incoming-event';
import { checkEventProperties, ID_LENGTH } from './ingest-checks';
import { MAX_URL_LENGTH, parseUrl } from './parse-url';
import { resolveReferrer } from './referrer';
import { parseInstant } from './timestamp';
import { parseUserAgent } from './user-agent';

/**
 * What a historical row may carry, under either name: camelCase as `/export/events` emits an
 * event (what a user has from another project of this API) or snake_case as OpenPanel stores
 * it (its ClickHouse `events` row). Unknown fields, `projectId` (the import's project wins) and
 * `importedAt` (set by the import) are ignored.
 */
const TEXT_FIELDS = {
  name: ['name', 255],
  device_id: ['deviceId', ID_LENGTH],
  profile_id: ['profileId', ID_LENGTH],
  session_id: ['sessionId', ID_LENGTH],
  path: ['path', MAX_URL_LENGTH],
  origin: ['origin', MAX_URL_LENGTH],
  referrer: ['referrer', MAX_URL_LENGTH],
  referrer_name: ['referrerName', 255],
  referrer_type: ['referrerType', 64],
  country: ['country', 255],
  country_code: ['countryCode', 16],
  city: ['city', 255],
  region: ['region', 255],
  os: ['os', 255],
  os_version: ['osVersion', 255],
  browser: ['browser', 255],
  browser_version: ['browserVersion', 255],
  device: ['device', 255],
  brand: ['brand', 255],
  model: ['model', 255],
  sdk_name: ['sdkName', 255],
  sdk_version: ['sdkVersion', 255],
} as const satisfies Partial<Record<keyof EventRow, readonly [string, number]>>;

type TextField = keyof typeof TEXT_FIELDS;
const TEXT_KEYS = Object.keys(TEXT_FIELDS) as TextField[];
const GEO_FIELDS = ['country', 'country_code', 'city', 'region'] as const;
const DEVICE_FIELDS = ['os', 'os_version', 'browser', 'browser_version', 'device', 'brand', 'model'] as const;

/** Events OpenPanel derives from sessions: sessions are built here from the imported events. */
export const DERIVED_SESSION_EVENTS: ReadonlySet<string> = new Set(['session_start', 'session_end']);

/** A row may be at most this far ahead of the import's clock. */
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
const MAX_GROUPS = 100;
const MAX_GROUP_LENGTH = 256;
const MAX_USER_AGENT_LENGTH = 4096;

export interface ImportRowContext {
  projectId: string;
  /** When the import runs: the clock future times are judged by. */
  importedAt: Date;
  /** `importedAt` as the `imported_at` of every row, printed once per import. */
  importedAtText: string;
  /** Geolocation of an address (the enricher's database). */
  geo(ip: string): Readonly<GeoInfo>;
}

/** What every row of one import shares. */
export function importRowContext(projectId: string, importedAt: Date, geo: (ip: string) => Readonly<GeoInfo>): ImportRowContext {
  return { projectId, importedAt, importedAtText: toClickhouseDateTime(importedAt), geo };
}

export type DecodedImportRow =
  /**
   * `namesProfile`: the row's profile id is a person's, to be created when unknown; OpenPanel
   * stores an anonymous visitor's device id as its profile id, which names nobody.
   */
  | { kind: 'event'; row: EventRow; namesProfile: boolean }
  /** `session_start` / `session_end`: not stored, the sessions of the other rows answer them. */
  | { kind: 'derived' }
  | { kind: 'invalid'; error: string };

function invalid(field: string, message: string): DecodedImportRow {
  return { kind: 'invalid', error: `${field}: ${message}` };
}

function read(source: Record<string, unknown>, snake: string, camel: string): unknown {
  const v = source[camel];
  return v === undefined ? source[snake] : v;
}

/** UInt64 columns come out of ClickHouse's JSON formats as digits in quotes. */
function nonNegativeInteger(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function coordinate(value: unknown, limit: number): number | null | undefined {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
}

/**
 * One historical row checked and turned into its `events` row, the way live ingestion would
 * have stored it: what the row says is kept as it is (ids, time, identity, page, geo, device,
 * properties), and only what it lacks is derived: geo from `ip`, device fields from
 * `userAgent` / `user_agent`, the referrer's name and type from `referrer`, path and origin
 * from a full URL in `path`, the device id from the address and user agent (else the profile
 * id). A row without an id gets one from its content, so importing it again is recognised.
 * Pure, apart from `ctx.geo`.
 */
export function decodeImportRow(input: unknown, ctx: ImportRowContext): DecodedImportRow {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { kind: 'invalid', error: 'a row must be a JSON object' };
  const source = input as Record<string, unknown>;
  const text = {} as Record<TextField, string>;
  for (const key of TEXT_KEYS) {
    const [camel, max] = TEXT_FIELDS[key];
    const v = read(source, key, camel);
    if (v === undefined || v === null) {
      text[key] = '';
      continue;
    }
    if (typeof v !== 'string') return invalid(camel, 'must be a string');
    if (v.length > max) return invalid(camel, `must not be longer than ${max} characters`);
    if (!isPgText(v)) return invalid(camel, PG_TEXT_MESSAGE);
    text[key] = v;
  }
  if (text.name === '') return invalid('name', 'is required');
  if (DERIVED_SESSION_EVENTS.has(text.name)) return { kind: 'derived' };

  const createdAtValue = read(source, 'created_at', 'createdAt');
  if (createdAtValue === undefined || createdAtValue === null) return invalid('createdAt', 'is required');
  const createdMs = parseInstant(createdAtValue);
  if (createdMs === undefined)
    return invalid('createdAt', 'must be an ISO 8601 date-time, `YYYY-MM-DD hh:mm:ss[.sss]` (UTC) or epoch milliseconds, from 2000 on');
  if (createdMs > ctx.importedAt.getTime() + MAX_FUTURE_MS) return invalid('createdAt', 'is more than a day in the future');

  const revenue = nonNegativeInteger(source.revenue);
  if (revenue === undefined) return invalid('revenue', 'must be a non-negative integer');
  const duration = nonNegativeInteger(source.duration);
  if (duration === undefined) return invalid('duration', 'must be a non-negative integer');
  const longitude = coordinate(source.longitude, 180);
  if (longitude === undefined) return invalid('longitude', 'must be a number from -180 to 180, or null');
  const latitude = coordinate(source.latitude, 90);
  if (latitude === undefined) return invalid('latitude', 'must be a number from -90 to 90, or null');

  const groups = source.groups ?? [];
  if (
    !Array.isArray(groups) ||
    groups.length > MAX_GROUPS ||
    groups.some((g) => typeof g !== 'string' || g === '' || g.length > MAX_GROUP_LENGTH || !isPgText(g))
  ) {
    return invalid('groups', `must be an array of at most ${MAX_GROUPS} non-empty strings of at most ${MAX_GROUP_LENGTH} characters`);
  }
  const rawProperties = source.properties ?? {};
  if (typeof rawProperties !== 'object' || rawProperties === null || Array.isArray(rawProperties)) {
    return invalid('properties', 'must be an object');
  }
  const deep = checkEventProperties(rawProperties);
  if (deep) return invalid('properties', deep.message);

  const ip = typeof source.ip === 'string' ? source.ip.trim() : '';
  const userAgentValue = read(source, 'user_agent', 'userAgent');
  const userAgent = typeof userAgentValue === 'string' ? userAgentValue.slice(0, MAX_USER_AGENT_LENGTH) : '';

  const properties = flattenProperties(rawProperties);
  let { path, origin } = text;
  if (origin === '' && /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    const page = parseUrl(path);
    path = page.path;
    origin = page.origin;
    for (const [key, value] of Object.entries(page.query))
      if (value !== '' && !(`__query.${key}` in properties)) properties[`__query.${key}`] = value;
    if (page.hash !== '' && !('__hash' in properties)) properties.__hash = page.hash;
  }

  let { referrer_name: referrerName, referrer_type: referrerType } = text;
  if (text.referrer !== '' && referrerName === '' && referrerType === '') {
    const resolved = resolveReferrer({
      referrer: text.referrer,
      pageHostname: origin ? parseUrl(origin).hostname || undefined : undefined,
    });
    referrerName = resolved.name;
    referrerType = resolved.type;
  }

  const geo = ip !== '' && GEO_FIELDS.every((f) => text[f] === '') && latitude === null && longitude === null ? ctx.geo(ip) : undefined;
  const ua = userAgent !== '' && DEVICE_FIELDS.every((f) => text[f] === '') ? parseUserAgent(userAgent) : undefined;

  let deviceId = text.device_id;
  if (deviceId === '' && (ip !== '' || userAgent !== '')) deviceId = hashDeviceId('import', userAgent, ip, ctx.projectId);
  if (deviceId === '') deviceId = text.profile_id;

  const idValue = source.id;
  if (idValue !== undefined && idValue !== null && (typeof idValue !== 'string' || idValue.length > ID_LENGTH)) {
    return invalid('id', `must be a string of at most ${ID_LENGTH} characters`);
  }
  const givenId = typeof idValue === 'string' ? idValue.trim() : '';
  const id =
    givenId === ''
      ? contentId(ctx.projectId, text.name, createdMs, deviceId, text.profile_id, path, properties)
      : isUuid(givenId)
        ? givenId.toLowerCase()
        : stableEventId(ctx.projectId, givenId);

  return {
    kind: 'event',
    namesProfile: text.profile_id !== '' && text.profile_id !== text.device_id,
    row: {
      id,
      name: text.name,
      device_id: deviceId,
      profile_id: text.profile_id,
      project_id: ctx.projectId,
      session_id: text.session_id,
      groups: [...new Set(groups as string[])],
      path,
      origin,
      referrer: text.referrer,
      referrer_name: referrerName,
      referrer_type: referrerType,
      revenue,
      duration,
      properties,
      created_at: toClickhouseDateTime(new Date(createdMs)),
      country: geo?.country ?? text.country,
      country_code: geo?.country_code ?? text.country_code,
      city: geo?.city ?? text.city,
      region: geo?.region ?? text.region,
      longitude: geo ? geo.longitude : longitude,
      latitude: geo ? geo.latitude : latitude,
      os: ua?.os ?? text.os,
      os_version: ua?.osVersion ?? text.os_version,
      browser: ua?.browser ?? text.browser,
      browser_version: ua?.browserVersion ?? text.browser_version,
      device: ua?.device ?? text.device,
      brand: ua?.brand ?? text.brand,
      model: ua?.model ?? text.model,
      sdk_name: text.sdk_name,
      sdk_version: text.sdk_version,
      imported_at: ctx.importedAtText,
    },
  };
}

/** The id of a row that has none: the same row imported again gets the same id. */
function contentId(
  projectId: string,
  name: string,
  createdMs: number,
  deviceId: string,
  profileId: string,
  path: string,
  properties: Record<string, string>,
): string {
  const props = Object.keys(properties)
    .sort()
    .map((k) => `${k}\u0001${properties[k]}`)
    .join('\u0002');
  return stableEventId(projectId, `import\u0000${name}\u0000${createdMs}\u0000${deviceId}\u0000${profileId}\u0000${path}\u0000${props}`);
}
