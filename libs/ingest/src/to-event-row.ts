import { randomUUID } from 'node:crypto';
import { toClickhouseDateTime } from '@app/common';
import { eventIdFromClient } from './event-id';
import { FLATTEN_DEFAULTS, flattenProperties } from './flatten-properties';
import { type GeoInfo, NO_GEO } from './geo';
import type { EventRow, IncomingEvent } from './incoming-event';
import { parseUrl } from './parse-url';
import { resolveReferrer } from './referrer';
import { CONSUMED_PROPERTY_KEYS, readSpecialProperties, type SpecialProperties } from './special-properties';
import { applyUserAgentOverrides, parseUserAgent, type UserAgentInfo } from './user-agent';

/** What the caller worked out for the event with the stateful or async pieces. */
export interface Enrichment {
  deviceId: string;
  /** '' for events from the past and server events without a session. */
  sessionId: string;
  /** From `resolveTimestamp`. */
  createdAt: Date;
  /** From `GeoLookup.lookup`; empty location when absent. */
  geo?: GeoInfo;
  /**
   * From `parseUserAgent` with `applyUserAgentOverrides` already applied (the caller needs it
   * for bots and sessions), taken as final; parsed and overridden here when absent.
   */
  userAgent?: Readonly<UserAgentInfo>;
  /** `readSpecialProperties(event.properties)`, when the caller has read them already. */
  special?: SpecialProperties;
  /**
   * What the pipeline decided over the event's own fields, given here rather than in a copy
   * of the event: the project the sender is authenticated for, the profile an alias points
   * to, and revenue (0 when the sender may not set it).
   */
  projectId?: string;
  profileId?: string;
  revenue?: number;
  /**
   * The event id the caller worked out already (`eventIdFromClient` of the event's id or
   * `__id`); worked out here from `event.id` when absent, a random UUID when there is none.
   */
  id?: string;
}

// With a page URL, `__query.*` and `__hash` are derived from it and the client's own are dropped.
const CONSUMED_WITH_URL: ReadonlySet<string> = new Set([...CONSUMED_PROPERTY_KEYS, '__query', '__hash']);
const MAX_GROUPS = 100;
const MAX_GROUP_LENGTH = 256;

function nonNegativeInteger(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

function groupList(groups: unknown): string[] {
  if (!Array.isArray(groups)) return [];
  const out: string[] = [];
  for (const group of groups) {
    if (out.length >= MAX_GROUPS) break;
    if (typeof group === 'string' && group !== '' && group.length <= MAX_GROUP_LENGTH && !out.includes(group)) {
      out.push(group);
    }
  }
  return out;
}

/**
 * Builds the `events` row for an event. Fields of the event win over the special properties
 * still in `properties` (`__path`, `__referrer`, `__revenue`); the page URL fills path,
 * origin, `__query.*` and `__hash`; referrer columns follow `resolveReferrer`; device
 * columns follow `parseUserAgent` with the native SDKs' `__os`/`__device`/… overrides.
 */
export function toEventRow(event: IncomingEvent, enrichment: Enrichment): EventRow {
  const projectId = enrichment.projectId ?? event.projectId;
  const special = enrichment.special ?? readSpecialProperties(event.properties);
  const page = parseUrl(event.path ?? special.path);
  const hasUrl = page.path !== '' || page.origin !== '';
  const originHeader = event.context.origin ? parseUrl(event.context.origin) : undefined;

  const referrer = resolveReferrer({
    referrer: event.referrer ?? special.referrer,
    pageHostname: page.hostname || originHeader?.hostname || undefined,
    pageQuery: page.query,
  });

  const properties = flattenProperties(event.properties, {
    omitTopLevel: hasUrl ? CONSUMED_WITH_URL : CONSUMED_PROPERTY_KEYS,
  });
  if (hasUrl) {
    for (const key of Object.keys(page.query)) {
      const value = page.query[key];
      const name = `__query.${key}`;
      if (value !== '' && name.length <= FLATTEN_DEFAULTS.maxKeyLength) properties[name] = value;
    }
    if (page.hash !== '') properties.__hash = page.hash;
  }

  const ua = enrichment.userAgent ?? applyUserAgentOverrides(parseUserAgent(event.context.userAgent), event.properties);
  const geo = enrichment.geo ?? NO_GEO;

  return {
    id: enrichment.id ?? eventIdFromClient(projectId, event.id) ?? randomUUID(),
    name: event.name,
    device_id: enrichment.deviceId,
    profile_id: enrichment.profileId ?? event.profileId ?? '',
    project_id: projectId,
    session_id: enrichment.sessionId,
    groups: groupList(event.groups),
    path: page.path,
    origin: page.origin || originHeader?.origin || '',
    referrer: referrer.referrer,
    referrer_name: referrer.name,
    referrer_type: referrer.type,
    revenue: nonNegativeInteger(enrichment.revenue ?? event.revenue ?? special.revenue),
    duration: nonNegativeInteger(typeof event.duration === 'number' && event.duration > 0 ? Math.round(event.duration) : 0),
    properties,
    created_at: toClickhouseDateTime(enrichment.createdAt),
    country: geo.country,
    country_code: geo.country_code,
    city: geo.city,
    region: geo.region,
    longitude: geo.longitude,
    latitude: geo.latitude,
    os: ua.os,
    os_version: ua.osVersion,
    browser: ua.browser,
    browser_version: ua.browserVersion,
    device: ua.device,
    brand: ua.brand,
    model: ua.model,
    sdk_name: event.context.sdkName ?? '',
    sdk_version: event.context.sdkVersion ?? '',
    imported_at: event.importedAt && !Number.isNaN(event.importedAt.getTime()) ? toClickhouseDateTime(event.importedAt) : null,
  };
}
