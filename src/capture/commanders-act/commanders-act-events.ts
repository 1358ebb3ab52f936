import { IngestBatch, type IngestUpdate } from '@app/ingest';
import { type CaptureContext, idOf, obj, str, without } from '../capture-context';
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
 * is dropped (Commanders Act answers 200 to everything it can parse), and so is one whose
 * profile or properties break a storage rule (`IngestBatch.add`).
 */
export function commandersActBatch(body: Record<string, unknown>, ctx: CommandersActRequestContext): IngestBatch {
  const batch = new IngestBatch();
  const name = str(body.event_name);
  if (!name) return batch;
  const v1 = obj(body.properties) !== undefined && body.context === undefined;
  const meta = v1 ? body : (obj(body.context) ?? {});
  const user = obj(body.user) ?? {};
  const page = obj(meta.page);
  const device = obj(meta.device);
  const userId = idOf(user.id, MAX_ID_LENGTH);
  const anonymousId = idOf(user.consistent_anonymous_id, MAX_ID_LENGTH);
  const properties = v1 ? { ...obj(body.properties) } : without(body, V2_META);
  const title = str(page?.title);
  if (title) properties.__title = title;

  const email = str(user.email);
  const updates: IngestUpdate[] = userId && email ? [{ kind: 'profile', update: { profileId: userId, email } }] : [];
  batch.add(0, updates, {
    id: idOf(meta.event_id, MAX_ID_LENGTH),
    name,
    projectId: ctx.projectId,
    profileId: userId ?? anonymousId,
    deviceId: anonymousId,
    receivedAt: ctx.receivedAt,
    clientTimestamp: eventTime({ now: ctx.receivedAt.getTime(), timestamp: meta.event_timestamp }),
    properties,
    groups: [],
    context: {
      ip: ctx.ip,
      namedIp: str(device?.ip),
      userAgent: str(device?.user_agent) ?? ctx.userAgent,
      origin: ctx.origin,
    },
    path: str(page?.url),
    referrer: str(page?.referrer),
  });
  return batch;
}
