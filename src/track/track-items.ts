import { describeProblem, type IncomingEvent, IngestBatch } from '@app/ingest';
import type { IngestContext } from '../auth';
import { checkTrackItem, groupOf, identifyOf, identifyOnTrack, idText, type TrackItem } from './track-checks';
import { trackItemSchemaProblem } from './track-validator';

/** What the items of one /track request share besides its context. */
export interface TrackRequest {
  ctx: IngestContext;
  /** The sender's device id: the profile of an `assign_group` that names none. */
  deviceId?: string;
  /** The `idempotency-key` header of a single /track: its event's id. */
  idempotencyKey?: string;
}

/** The event of a `track` payload. */
export function trackEvent(ctx: IngestContext, payload: Record<string, unknown>, idempotencyKey?: string): IncomingEvent {
  return {
    id: idempotencyKey,
    name: payload.name as string,
    projectId: ctx.source.projectId,
    profileId: idText(payload.profileId),
    receivedAt: ctx.receivedAt,
    properties: (payload.properties as Record<string, unknown> | undefined) ?? {},
    groups: (payload.groups as string[] | undefined) ?? [],
    context: { ip: ctx.ip, userAgent: ctx.userAgent, sdkName: ctx.sdkName, sdkVersion: ctx.sdkVersion, origin: ctx.origin },
  };
}

/**
 * OpenPanel's /track item as the pipeline's batch: `track` is an event, with its `__identify`
 * as a change applied first (and not at all for a bot's event, which is not counted);
 * `identify`, `increment` / `decrement` (by 1 unless `value` says), `alias`, `group` and
 * `assign_group` (on the sender's device when no profile is named) are changes. The item
 * passed its schema and `checkTrackItem`.
 */
export function addTrackItem(batch: IngestBatch, index: number, item: TrackItem, request: TrackRequest): void {
  const p = item.payload;
  switch (item.type) {
    case 'track': {
      const event = trackEvent(request.ctx, p, request.idempotencyKey);
      const identify = identifyOnTrack(p);
      if (identify) batch.addUpdate(index, { kind: 'profile', update: identify }, event);
      batch.addEvent(index, event);
      return;
    }
    case 'identify':
      batch.addUpdate(index, { kind: 'profile', update: identifyOf(p) });
      return;
    case 'increment':
    case 'decrement': {
      const value = (p.value as number | undefined) ?? 1;
      batch.addUpdate(index, {
        kind: 'increment',
        profileId: String(p.profileId),
        property: p.property as string,
        delta: item.type === 'increment' ? value : -value,
      });
      return;
    }
    case 'alias':
      batch.addUpdate(index, { kind: 'alias', profileId: String(p.profileId), alias: p.alias as string });
      return;
    case 'group':
      batch.addUpdate(index, { kind: 'group', group: groupOf(p) });
      return;
    case 'assign_group': {
      const profileId = idText(p.profileId);
      const owner = profileId ?? request.deviceId;
      if (owner === undefined) throw new Error('an assign_group without a profile needs the device id of its request');
      batch.addUpdate(index, { kind: 'assign', profileId: owner, groupIds: p.groupIds as string[], isExternal: profileId !== undefined });
      return;
    }
  }
}

/**
 * /track/batch's items as one batch. Every item is checked first, against the /track schema
 * and then `checkTrackItem`: a refused item is dropped with the reason the answer lists, and
 * leaves nothing behind.
 */
export function trackBatch(items: readonly unknown[], request: TrackRequest): IngestBatch {
  const batch = new IngestBatch();
  for (let index = 0; index < items.length; index++) {
    const raw = items[index];
    const schemaProblem = trackItemSchemaProblem(raw);
    if (schemaProblem) {
      batch.drop(index, schemaProblem);
      continue;
    }
    const item = raw as TrackItem;
    const problem = checkTrackItem(item);
    if (problem) batch.drop(index, describeProblem(problem));
    else addTrackItem(batch, index, item, request);
  }
  return batch;
}

/** Whether some item may need the sender's device id (an `assign_group` without a profile). */
export function needsDeviceId(items: readonly unknown[]): boolean {
  for (const raw of items) {
    const item = raw as Partial<TrackItem> | null;
    if (item !== null && typeof item === 'object' && item.type === 'assign_group' && idText(item.payload?.profileId) === undefined)
      return true;
  }
  return false;
}
