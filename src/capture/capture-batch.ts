import { nestsDeeperThan } from '@app/common';
import type { IncomingEvent } from '@app/ingest';
import { idText } from './capture-context';
import {
  checkAlias,
  checkEventProperties,
  checkGroupIds,
  checkGroupUpdate,
  checkId,
  checkProfileUpdate,
  describeProblem,
  type Problem,
} from '../ingest/ingest-checks';
import type { GroupUpdate, ProfileUpdate } from '../ingest';

/** A change an adapter asks for besides storing events, applied in the order sent. */
export type CaptureUpdate =
  | { kind: 'profile'; update: ProfileUpdate }
  /** Later events sent under `alias` belong to `profileId`. */
  | { kind: 'alias'; profileId: string; alias: string }
  | { kind: 'group'; group: GroupUpdate }
  | { kind: 'assign'; profileId: string; groupIds: string[] };

/** An item of the request left out, and why (field names only, never the values). */
export interface DroppedItem {
  index: number;
  reason: string;
}

/** What one request of any wire format amounts to. */
export interface CaptureBatch {
  events: IncomingEvent[];
  updates: CaptureUpdate[];
  dropped: DroppedItem[];
}

export function emptyBatch(): CaptureBatch {
  return { events: [], updates: [], dropped: [] };
}

function checkUpdate(u: CaptureUpdate): Problem | undefined {
  switch (u.kind) {
    case 'profile':
      return checkProfileUpdate(u.update);
    case 'alias':
      return checkAlias(u.profileId, u.alias);
    case 'group':
      return checkGroupUpdate(u.group);
    case 'assign':
      return checkGroupIds(u.profileId, u.groupIds);
  }
}

function checkEvent(event: IncomingEvent): Problem | undefined {
  return (event.profileId === undefined ? undefined : checkId(event.profileId, ['profileId'])) ?? checkEventProperties(event.properties);
}

/**
 * Adds one item of a request (a PostHog event, a Segment message, a Commanders Act body) with
 * what it asks of profiles and groups, once every part of it passes the rules of the stores
 * (ingest-checks.ts: ids, column lengths, 32 levels of nesting). An item that fails is dropped
 * whole, its event with it: SDKs retry a 5xx forever, so one bad field must neither fail the
 * request nor leave half of its item stored; the rest of the request is stored as usual.
 */
export function addItem(batch: CaptureBatch, index: number, updates: readonly CaptureUpdate[], event?: IncomingEvent): void {
  for (const u of updates) {
    const problem = checkUpdate(u);
    if (problem) {
      batch.dropped.push({ index, reason: describeProblem(problem, [u.kind]) });
      return;
    }
  }
  if (event) {
    const problem = checkEvent(event);
    if (problem) {
      batch.dropped.push({ index, reason: describeProblem(problem, ['event']) });
      return;
    }
    batch.events.push(event);
  }
  for (const u of updates) batch.updates.push(u);
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
