/**
 * OpenPanel's special properties: directives to the API that ride along in `properties`.
 *
 * The ones consumed here become columns or steer ingestion and are not stored as properties,
 * as OpenPanel does for `__path`, `__referrer`, `__timestamp` and `__revenue`. `__ip`, `__ua`
 * and `__deviceId` are dropped too (an IP in a free-form map would outlive any retention
 * policy), as are `__identify` and `__id`, which are instructions rather than facts.
 * Everything else with a `__` prefix (`__title`, `__screen`, `__os`, …) is kept, and
 * `__query.*` / `__hash` are derived from the page URL when the row is built.
 */
export const CONSUMED_PROPERTY_KEYS: ReadonlySet<string> = new Set([
  '__timestamp',
  '__ip',
  '__ua',
  '__deviceId',
  '__path',
  '__referrer',
  '__revenue',
  '__identify',
  '__id',
]);

export interface SpecialProperties {
  timestamp?: string | number;
  ip?: string;
  userAgent?: string;
  deviceId?: string;
  path?: string;
  referrer?: string;
  title?: string;
  /** Cents; present only when a non-negative safe integer (or such a numeric string). */
  revenue?: number;
  /** Left raw: what identify-on-track means is the track service's decision. */
  identify?: unknown;
  id?: string;
}

/** Long enough for any real URL or id; short enough that a hostile value costs nothing. */
const MAX_SPECIAL_LENGTH = 4096;

function text(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed.slice(0, MAX_SPECIAL_LENGTH);
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function stringText(value: unknown): string | undefined {
  return typeof value === 'string' ? text(value) : undefined;
}

function cents(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Reads the special properties of an OpenPanel `track` payload; never throws. */
export function readSpecialProperties(properties: Record<string, unknown> | undefined): SpecialProperties {
  const special: SpecialProperties = {};
  if (!properties) return special;
  const ts = properties.__timestamp;
  if (typeof ts === 'number' && Number.isFinite(ts)) special.timestamp = ts;
  else if (typeof ts === 'string' && ts.trim() !== '') special.timestamp = ts.trim().slice(0, 64);
  const ip = stringText(properties.__ip);
  if (ip !== undefined) special.ip = ip;
  const userAgent = stringText(properties.__ua);
  if (userAgent !== undefined) special.userAgent = userAgent;
  const deviceId = text(properties.__deviceId);
  if (deviceId !== undefined) special.deviceId = deviceId;
  const path = stringText(properties.__path);
  if (path !== undefined) special.path = path;
  const referrer = stringText(properties.__referrer);
  if (referrer !== undefined) special.referrer = referrer;
  const title = text(properties.__title);
  if (title !== undefined) special.title = title;
  const revenue = cents(properties.__revenue);
  if (revenue !== undefined) special.revenue = revenue;
  if (properties.__identify !== undefined) special.identify = properties.__identify;
  const id = text(properties.__id);
  if (id !== undefined) special.id = id;
  return special;
}
