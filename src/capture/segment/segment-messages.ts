import { ApiError } from '@app/common';
import { type IncomingEvent, IngestBatch, type IngestUpdate } from '@app/ingest';
import { type CaptureContext, idOf, obj, str } from '../capture-context';
import { eventTime } from '../event-time';
import { profileUpdate } from '../profile-fields';

export const SEGMENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

/** Segment's own cap on the items of one batch. */
export const MAX_BATCH_ITEMS = 2500;
const MAX_ID_LENGTH = 200;
/** OpenPanel's page-view event: Segment `page` and `screen` calls become it. */
export const PAGE_VIEW_EVENT = 'screen_view';

export interface SegmentMessage {
  type: SegmentType;
  message: Record<string, unknown>;
}

export interface SegmentRequestContext extends CaptureContext {
  projectId: string;
}

function isSegmentType(value: unknown): value is SegmentType {
  return typeof value === 'string' && (SEGMENT_TYPES as readonly string[]).includes(value);
}

/**
 * The messages of a request: one for `/v1/<type>`, the items of `/v1/batch` (each with its
 * own `type`; the batch's `context` and `integrations` merged under each item's own, its
 * `sentAt` used where an item has none). Items of an unknown type are skipped.
 */
export function segmentMessages(route: SegmentType | 'batch', body: unknown): SegmentMessage[] {
  const root = obj(body);
  if (!root) throw ApiError.badRequest('Body must be a JSON object');
  if (route !== 'batch') return [{ type: route, message: root }];
  const items = Array.isArray(root.batch) ? root.batch : [];
  if (items.length > MAX_BATCH_ITEMS) throw ApiError.badRequest(`A batch holds at most ${MAX_BATCH_ITEMS} items`);
  const context = obj(root.context);
  const integrations = obj(root.integrations);
  const out: SegmentMessage[] = [];
  for (const item of items) {
    const message = obj(item);
    if (!message || !isSegmentType(message.type)) continue;
    out.push({
      type: message.type,
      message: {
        ...message,
        context: context ? { ...context, ...obj(message.context) } : message.context,
        integrations: integrations ? { ...integrations, ...obj(message.integrations) } : message.integrations,
        sentAt: message.sentAt ?? root.sentAt,
      },
    });
  }
  return out;
}

/**
 * Segment's time: an explicit `timestamp` is taken as is; an `originalTimestamp` (the
 * device's clock) is corrected by `sentAt` (the same clock) against reception time.
 */
function segmentTime(m: Record<string, unknown>, now: number): number {
  if (m.timestamp !== undefined) return eventTime({ now, timestamp: m.timestamp });
  return eventTime({ now, timestamp: m.originalTimestamp, sentAt: m.sentAt });
}

function pageEvent(
  type: SegmentType,
  m: Record<string, unknown>,
  properties: Record<string, unknown>,
  page: Record<string, unknown> | undefined,
) {
  if (type === 'screen') return { path: str(m.name) ?? str(properties.name), referrer: undefined };
  return {
    path: (type === 'page' ? str(properties.url) : undefined) ?? str(page?.url),
    referrer: (type === 'page' ? str(properties.referrer) : undefined) ?? str(page?.referrer),
  };
}

function toEvent(type: SegmentType, m: Record<string, unknown>, profileId: string, ctx: SegmentRequestContext): IncomingEvent | undefined {
  const name = type === 'track' ? str(m.event) : PAGE_VIEW_EVENT;
  if (!name) return undefined;
  const context = obj(m.context) ?? {};
  const page = obj(context.page);
  const library = obj(context.library);
  const properties: Record<string, unknown> = { ...obj(m.properties) };
  if (type !== 'track') {
    if (str(m.name)) properties.name ??= m.name;
    if (str(m.category)) properties.category ??= m.category;
    const title = str(properties.title) ?? str(page?.title);
    if (title) properties.__title = title;
  }
  const groupId = idOf(context.groupId, MAX_ID_LENGTH);
  const { path, referrer } = pageEvent(type, m, properties, page);
  return {
    id: idOf(m.messageId, MAX_ID_LENGTH),
    name,
    projectId: ctx.projectId,
    profileId,
    deviceId: idOf(m.anonymousId, MAX_ID_LENGTH),
    receivedAt: ctx.receivedAt,
    clientTimestamp: segmentTime(m, ctx.receivedAt.getTime()),
    properties,
    groups: groupId ? [groupId] : [],
    context: {
      ip: ctx.ip,
      namedIp: str(context.ip),
      userAgent: str(context.userAgent) ?? ctx.userAgent,
      sdkName: str(library?.name),
      sdkVersion: str(library?.version),
      origin: ctx.origin,
    },
    path,
    referrer,
  };
}

/**
 * Segment calls as events, profile, alias and group changes. A message without `userId` or
 * `anonymousId` (or a track without `event`, a group without `groupId`, an alias without
 * `previousId`) is dropped: Segment answers 200 for those too. So is a message whose
 * profile, group or properties break a storage rule (`IngestBatch.add`).
 */
export function segmentBatch(messages: SegmentMessage[], ctx: SegmentRequestContext): IngestBatch {
  const batch = new IngestBatch();
  messages.forEach(({ type, message: m }, index) => {
    const userId = idOf(m.userId, MAX_ID_LENGTH);
    const anonymousId = idOf(m.anonymousId, MAX_ID_LENGTH);
    const profileId = userId ?? anonymousId;
    if (!profileId) return;
    const updates: IngestUpdate[] = [];
    switch (type) {
      case 'identify': {
        const traits = obj(m.traits) ?? obj(obj(m.context)?.traits);
        updates.push({ kind: 'profile', update: profileUpdate(profileId, { set: traits }) });
        if (userId && anonymousId && userId !== anonymousId) updates.push({ kind: 'alias', profileId: userId, alias: anonymousId });
        break;
      }
      case 'alias': {
        const previousId = idOf(m.previousId, MAX_ID_LENGTH);
        if (userId && previousId && previousId !== userId) updates.push({ kind: 'alias', profileId: userId, alias: previousId });
        break;
      }
      case 'group': {
        const groupId = idOf(m.groupId, MAX_ID_LENGTH);
        if (!groupId) break;
        const { name, type: groupType, ...properties } = obj(m.traits) ?? {};
        updates.push({ kind: 'group', group: { id: groupId, type: str(groupType) ?? 'group', name: str(name) ?? groupId, properties } });
        updates.push({ kind: 'assign', profileId, groupIds: [groupId] });
        break;
      }
      default: {
        const event = toEvent(type, m, profileId, ctx);
        if (event) batch.add(index, updates, event);
        return;
      }
    }
    batch.add(index, updates);
  });
  return batch;
}
