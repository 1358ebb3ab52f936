import { createHash } from 'node:crypto';
import { isUuid } from '@app/common';

/** Fixed namespace of this project's name-based event ids (a random v4, chosen once). */
const EVENT_ID_NAMESPACE = Buffer.from('214b66546e0748cf93f61fcb5bbad82a', 'hex');

/**
 * A name-based (RFC 9562 version 5) UUID for a client key that is not a UUID itself, such as
 * Segment's `messageId`, an `idempotency-key` header or `__id`: the same key in the same
 * project always maps to the same event id, which is what makes retries recognisable.
 */
export function stableEventId(projectId: string, key: string): string {
  const bytes = createHash('sha1').update(EVENT_ID_NAMESPACE).update(`${projectId}\u0000${key}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The `events.id` for a client-supplied id: a UUID is kept (lower-cased), anything else is
 * mapped with `stableEventId`; undefined when the client sent none.
 */
export function eventIdFromClient(projectId: string, clientId: string | undefined): string | undefined {
  if (clientId === undefined) return undefined;
  const trimmed = clientId.trim();
  if (trimmed === '') return undefined;
  return isUuid(trimmed) ? trimmed.toLowerCase() : stableEventId(projectId, trimmed);
}
