import { nestsDeeperThan } from '@app/common';
import type { IngestContext, IngestCredentials } from '../auth';

/** What every adapter takes from the request itself, once per request. */
export interface CaptureContext {
  receivedAt: Date;
  ip: string;
  /** An address the request names for its events (PostHog `?ip=`): see IncomingEventContext. */
  namedIp?: string;
  /** The request's user agent when it is a browser's; '' otherwise (see `browserUserAgent`). */
  userAgent: string;
  origin?: string;
}

/**
 * Capture requests mostly come from server SDKs (posthog-node, analytics-node) or queues whose
 * user agent names the library, not the device: taken as the device, it would turn every event
 * into a bot or a "server". Only a browser's user agent stands for the device; the wire format's
 * own field (`$raw_user_agent`, `context.userAgent`, `device.user_agent`) wins anyway.
 */
export function browserUserAgent(value: string | undefined): string {
  return value && value.startsWith('Mozilla/') ? value : '';
}

/** What a capture adapter takes from the request's ingestion context, with its project. */
export function captureContext(ctx: IngestContext): CaptureContext & { projectId: string } {
  return {
    receivedAt: ctx.receivedAt,
    ip: ctx.ip,
    userAgent: browserUserAgent(ctx.userAgent),
    origin: ctx.origin,
    projectId: ctx.source.projectId,
  };
}

/** A string field, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A plain object field, or undefined. */
export function obj(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** An id a sender may give as a string or a number; objects are kept as their JSON. */
export function idText(value: unknown, maxLength: number): string | undefined {
  let s: string | undefined;
  if (typeof value === 'string') s = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) s = String(value);
  else if (typeof value === 'bigint' || typeof value === 'boolean') s = String(value);
  else if (value !== null && typeof value === 'object') s = JSON.stringify(value);
  return s ? s.slice(0, maxLength) : undefined;
}

/**
 * `idText` for a field a sender may fill with anything: an object id is stringified, which
 * recurses, so one nested past the depth rule is no id at all. An id cut at `maxLength` in the
 * middle of a surrogate pair loses the half, rather than becoming an id the checks refuse.
 */
export function idOf(value: unknown, maxLength: number): string | undefined {
  if (value !== null && typeof value === 'object' && nestsDeeperThan(value)) return undefined;
  const id = idText(value, maxLength);
  if (id === undefined || id.length < maxLength) return id;
  const last = id.charCodeAt(id.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? id.slice(0, -1) : id;
}

/** A copy of `source` without `omit` (and never with a `__proto__` key). */
export function without(source: Record<string, unknown> | undefined, omit: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!source) return out;
  for (const key of Object.keys(source)) {
    if (!omit.has(key) && key !== '__proto__') out[key] = source[key];
  }
  return out;
}

/**
 * A capture key may carry the client secret after a colon, `CLIENT_ID:SECRET`: a server SDK
 * (posthog-node, analytics-node) has one credential to set, its key, and no way to add the
 * `openpanel-client-secret` header. Ids are UUIDs and secrets hex, neither holds a colon. A
 * secret in the header wins over one in the key.
 */
export function keyCredentials(key: string | undefined, headerSecret: string | undefined): IngestCredentials {
  const colon = key?.indexOf(':') ?? -1;
  if (key === undefined || colon < 0) return { id: key, secret: headerSecret };
  return { id: key.slice(0, colon) || undefined, secret: headerSecret ?? (key.slice(colon + 1) || undefined) };
}
