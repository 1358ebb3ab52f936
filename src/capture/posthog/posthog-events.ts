import { ApiError, isUuid } from '@app/common';
import { MAX_PROPERTY_DEPTH, nestsDeeperThan } from '@app/common';
import { type IncomingEvent, IngestBatch, parseInstant, type IngestUpdate } from '@app/ingest';
import { type CaptureContext, idOf, obj, str, without } from '../capture-context';
import { eventTime } from '../event-time';
import { profileUpdate } from '../profile-fields';
import type { PosthogEnvelope } from './posthog-envelope';

export interface PosthogRequestContext extends CaptureContext {
  projectId: string;
  /** `sent_at` of the body, else the query's `_` (epoch ms). */
  sentAt?: unknown;
  /** The request came to /engage: events without a name are profile updates (`$identify`). */
  engage: boolean;
}

export const MAX_DISTINCT_ID_LENGTH = 200;
export const MAX_EVENT_NAME_LENGTH = 200;

/** Dropped on arrival, as PostHog does: too many and too large to be worth storing. */
const DROPPED_EVENTS: ReadonlySet<string> = new Set(['$performance_event']);

/**
 * Properties that are credentials, the profile's identity, profile changes or the end user's
 * address: used, not stored with the event.
 */
const CONSUMED: ReadonlySet<string> = new Set([
  'token',
  '$token',
  'api_key',
  'distinct_id',
  '$distinct_id',
  '$set',
  '$set_once',
  '$unset',
  '$ip',
]);

function invalid(index: number, message: string): ApiError {
  return ApiError.badRequest(`Event ${index}: ${message}`, [{ path: ['batch', index], message }]);
}

const NOTHING: ReadonlySet<string> = new Set();
const NAME_ONLY: ReadonlySet<string> = new Set(['name']);

/** `$set` may sit at the root and in properties; the root wins. */
function merged(
  inProperties: Record<string, unknown> | undefined,
  atRoot: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!inProperties || !atRoot) return atRoot ?? inProperties;
  return { ...without(inProperties, NOTHING), ...without(atRoot, NOTHING) };
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out = value.filter((v): v is string => typeof v === 'string' && v !== '');
  return out.length > 0 ? out : undefined;
}

/** `$current_url`, else `$host` + `$pathname`, else `$pathname` alone. */
function pageUrl(p: Record<string, unknown>): string | undefined {
  const url = str(p.$current_url);
  if (url) return url;
  const host = str(p.$host);
  const pathname = str(p.$pathname);
  if (host) return `https://${host}${pathname ?? ''}`;
  return pathname;
}

function groupKeys(value: unknown): string[] {
  const groups = obj(value);
  if (!groups) return [];
  const out: string[] = [];
  for (const key of Object.values(groups)) {
    const id = idOf(key, 256);
    if (id && !out.includes(id)) out.push(id);
  }
  return out;
}

/** What `$identify`, `$create_alias`, `$groupidentify` and `$set`/`$set_once` ask of profiles and groups. */
function updatesOf(name: string, distinctId: string, e: Record<string, unknown>, p: Record<string, unknown>): IngestUpdate[] {
  const updates: IngestUpdate[] = [];
  const set = merged(obj(p.$set), obj(e.$set));
  const setOnce = merged(obj(p.$set_once), obj(e.$set_once));
  const unset = stringList(e.$unset) ?? stringList(p.$unset);
  switch (name) {
    case '$identify': {
      const anonymous = idOf(p.$anon_distinct_id, MAX_DISTINCT_ID_LENGTH);
      updates.push({ kind: 'profile', update: profileUpdate(distinctId, { set, setOnce, unset }) });
      if (anonymous && anonymous !== distinctId) updates.push({ kind: 'alias', profileId: distinctId, alias: anonymous });
      return updates;
    }
    case '$create_alias': {
      const alias = idOf(p.alias, MAX_DISTINCT_ID_LENGTH);
      if (alias && alias !== distinctId) updates.push({ kind: 'alias', profileId: distinctId, alias });
      break;
    }
    case '$groupidentify': {
      const type = idOf(p.$group_type, 256);
      const key = idOf(p.$group_key, 256);
      const groupSet = obj(p.$group_set) ?? {};
      if (type && key) {
        const properties = without(groupSet, NAME_ONLY);
        updates.push({ kind: 'group', group: { id: key, type, name: str(groupSet.name) ?? key, properties } });
      }
      return updates;
    }
  }
  if (set || setOnce || unset) updates.push({ kind: 'profile', update: profileUpdate(distinctId, { set, setOnce, unset }) });
  return updates;
}

/**
 * PostHog events as the pipeline's IncomingEvents plus the profile, alias and group changes
 * they carry. The whole request is refused (400) when one event is not an object, has no
 * name or distinct id, or an invalid uuid: nothing of it is stored. An event whose profile,
 * group or properties break a storage rule is dropped with its changes (`IngestBatch.add`).
 */
export function posthogBatch(envelope: PosthogEnvelope, ctx: PosthogRequestContext): IngestBatch {
  const batch = new IngestBatch();
  const now = ctx.receivedAt.getTime();
  // The request's send time, read once rather than for every event.
  const sentAt = parseInstant(ctx.sentAt);
  envelope.events.forEach((raw, index) => {
    const e = obj(raw);
    if (!e) throw invalid(index, 'An event must be an object');
    const p = obj(e.properties) ?? {};
    const name = str(e.event) ?? (ctx.engage ? '$identify' : undefined);
    if (!name) throw invalid(index, 'Missing "event"');
    if (name.length > MAX_EVENT_NAME_LENGTH) throw invalid(index, `"event" is longer than ${MAX_EVENT_NAME_LENGTH} characters`);
    const rawId = e.distinct_id ?? e.$distinct_id ?? p.distinct_id ?? p.$distinct_id;
    if (rawId !== null && typeof rawId === 'object' && nestsDeeperThan(rawId)) {
      batch.dropped.push({ index, reason: `distinct_id nests deeper than ${MAX_PROPERTY_DEPTH} levels` });
      return;
    }
    const distinctId = idOf(rawId, MAX_DISTINCT_ID_LENGTH);
    if (!distinctId) throw invalid(index, 'Missing "distinct_id"');
    if (e.uuid !== undefined && e.uuid !== null && !isUuid(e.uuid)) throw invalid(index, '"uuid" is not a valid UUID');
    if (DROPPED_EVENTS.has(name)) return;

    const updates = updatesOf(name, distinctId, e, p);
    const referrer = str(p.$referrer);
    // A plain `id` field: spreading a conditional object here made V8 build every event
    // the slow way (18 µs an event instead of under 2).
    const event: IncomingEvent = {
      id: typeof e.uuid === 'string' ? e.uuid.toLowerCase() : undefined,
      name,
      projectId: ctx.projectId,
      profileId: distinctId,
      deviceId: idOf(p.$device_id, MAX_DISTINCT_ID_LENGTH),
      receivedAt: ctx.receivedAt,
      clientTimestamp: eventTime({ now, timestamp: e.timestamp, sentAt, offset: e.offset, ignoreSentAt: p.$ignore_sent_at === true }),
      properties: without(p, CONSUMED),
      groups: groupKeys(p.$groups),
      context: {
        ip: ctx.ip,
        namedIp: str(p.$ip) ?? ctx.namedIp,
        userAgent: str(p.$raw_user_agent) ?? ctx.userAgent,
        sdkName: str(p.$lib),
        sdkVersion: str(p.$lib_version),
        origin: ctx.origin,
      },
      path: pageUrl(p),
      referrer: referrer === '$direct' ? undefined : referrer,
      importedAt: envelope.historical ? ctx.receivedAt : undefined,
    };
    batch.add(index, updates, event);
  });
  return batch;
}
