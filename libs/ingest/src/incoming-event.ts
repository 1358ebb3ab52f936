/**
 * What the sender knows about the request that carried the event. Adapters fill it from
 * headers (OpenPanel's `x-client-ip`, `openpanel-sdk-name`, …) or from the wire format's own
 * context object (Segment `context.ip`, PostHog `$ip`, …).
 */
export interface IncomingEventContext {
  /** Client IP used for geo and the device id; '' when unknown. */
  ip: string;
  /**
   * An address the wire format names for the event (PostHog `$ip` or `?ip=`, Segment
   * `context.ip`, Commanders Act `device.ip`; OpenPanel's `__ip` is read from the properties):
   * it replaces `ip` when it is an IP address. Unlike the client-ip headers (client-ip.ts),
   * it is believed from any sender: server SDKs of public clients set it for their visitors.
   */
  namedIp?: string;
  /** Device user agent; '' when unknown (server-side SDKs often send none). */
  userAgent: string;
  sdkName?: string;
  sdkVersion?: string;
  /** The `origin` header of a browser request, used when the event carries no page URL. */
  origin?: string;
}

/**
 * The one shape every source (OpenPanel /track, PostHog, Segment, Commanders Act) normalises
 * into. Only adapters know wire formats; everything after them reads this.
 *
 * Fields set here win over the equivalent special properties (`__path`, `__referrer`,
 * `__revenue`, …) still present in `properties`; `toEventRow` falls back to those properties
 * when a field is absent, so an adapter may pass OpenPanel properties through untouched.
 */
export interface IncomingEvent {
  /** Client-supplied uuid where the wire format has one, so a retry is recognised. */
  id?: string;
  name: string;
  projectId: string;
  profileId?: string;
  /** An explicit device id (`__deviceId`, a wire format's anonymous id); wins over the hash. */
  deviceId?: string;
  /** When the API received the event: the reference "now" for timestamp rules. */
  receivedAt: Date;
  /**
   * What the client says the event time is (`__timestamp`): ISO string or epoch milliseconds
   * (what the capture adapters give, so the time is not printed and parsed again per event).
   */
  clientTimestamp?: string | number;
  /** Raw, possibly nested properties as sent; flattened when the row is built. */
  properties: Record<string, unknown>;
  groups: string[];
  context: IncomingEventContext;
  /** Full page URL (or bare path / screen name) the event happened on; overrides `__path`. */
  path?: string;
  /** Referrer URL; overrides `__referrer`. */
  referrer?: string;
  /** Revenue in cents (non-negative integer); overrides `__revenue`. */
  revenue?: number;
  /** Duration in milliseconds (screen views, sessions). */
  duration?: number;
  /** Set by importers of historical data; live ingestion leaves it undefined. */
  importedAt?: Date;
}

/**
 * One row of the ClickHouse `events` table (libs/clickhouse migrations, 0001_events.sql),
 * '' for absent strings. The writer sends it as a JSONCompactEachRow array in the order of
 * `EVENT_ROW_COLUMNS` (test/writer-columns.e2e-spec.ts holds that list to the tables).
 */
export interface EventRow {
  id: string;
  name: string;
  device_id: string;
  profile_id: string;
  project_id: string;
  session_id: string;
  groups: string[];
  path: string;
  origin: string;
  referrer: string;
  referrer_name: string;
  referrer_type: string;
  revenue: number;
  duration: number;
  properties: Record<string, string>;
  /** `YYYY-MM-DD hh:mm:ss.sss`, UTC. */
  created_at: string;
  country: string;
  country_code: string;
  city: string;
  region: string;
  longitude: number | null;
  latitude: number | null;
  os: string;
  os_version: string;
  browser: string;
  browser_version: string;
  device: string;
  brand: string;
  model: string;
  sdk_name: string;
  sdk_version: string;
  /** `YYYY-MM-DD hh:mm:ss.sss`, UTC; null for live events. */
  imported_at: string | null;
}

// `satisfies` makes the compiler reject a column missing from, or extra to, EventRow.
const COLUMN_SET = {
  id: true,
  name: true,
  device_id: true,
  profile_id: true,
  project_id: true,
  session_id: true,
  groups: true,
  path: true,
  origin: true,
  referrer: true,
  referrer_name: true,
  referrer_type: true,
  revenue: true,
  duration: true,
  properties: true,
  created_at: true,
  country: true,
  country_code: true,
  city: true,
  region: true,
  longitude: true,
  latitude: true,
  os: true,
  os_version: true,
  browser: true,
  browser_version: true,
  device: true,
  brand: true,
  model: true,
  sdk_name: true,
  sdk_version: true,
  imported_at: true,
} as const satisfies Record<keyof EventRow, true>;

/** The `events` columns in table order, for an explicit column list on insert. */
export const EVENT_ROW_COLUMNS: readonly (keyof EventRow)[] = Object.freeze(Object.keys(COLUMN_SET) as (keyof EventRow)[]);
