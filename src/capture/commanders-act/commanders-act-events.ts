import type { CaptureBatch } from '../capture-batch';
import { type CaptureContext, idText, obj, str, without } from '../capture-context';
import { eventTime } from '../event-time';

export interface CommandersActRequestContext extends CaptureContext {
  projectId: string;
}

const MAX_ID_LENGTH = 200;
/** v2 keys that are not event data. */
const V2_META: ReadonlySet<string> = new Set(['event_name', 'user', 'context']);

/**
 * One Commanders Act event. v2 (current): the event's data at the root, `user{}` and
 * `context{ event_id, event_timestamp, page{}, device{} }`. v1 (deprecated, still sent): the
 * data in `properties{}` and the context fields at the root. An event without `event_name`
 * is dropped (Commanders Act answers 200 to everything it can parse).
 */
export function commandersActBatch(body: Record<string, unknown>, ctx: CommandersActRequestContext): CaptureBatch {
  const batch: CaptureBatch = { events: [], updates: [] };
  const name = str(body.event_name);
  if (!name) return batch;
  const v1 = obj(body.properties) !== undefined && body.context === undefined;
  const meta = v1 ? body : (obj(body.context) ?? {});
  const user = obj(body.user) ?? {};
  const page = obj(meta.page);
  const device = obj(meta.device);
  const userId = idText(user.id, MAX_ID_LENGTH);
  const anonymousId = idText(user.consistent_anonymous_id, MAX_ID_LENGTH);
  const properties = v1 ? { ...obj(body.properties) } : without(body, V2_META);
  const title = str(page?.title);
  if (title) properties.__title = title;

  const email = str(user.email);
  if (userId && email) batch.updates.push({ kind: 'profile', update: { profileId: userId, email } });
  batch.events.push({
    id: idText(meta.event_id, MAX_ID_LENGTH),
    name,
    projectId: ctx.projectId,
    profileId: userId ?? anonymousId,
    deviceId: anonymousId,
    receivedAt: ctx.receivedAt,
    clientTimestamp: eventTime({ now: ctx.receivedAt.getTime(), timestamp: meta.event_timestamp }).getTime(),
    properties,
    groups: [],
    context: {
      ip: str(device?.ip) ?? ctx.ip,
      userAgent: str(device?.user_agent) ?? ctx.userAgent,
      origin: ctx.origin,
    },
    path: str(page?.url),
    referrer: str(page?.referrer),
  });
  return batch;
}
