import { parseInstant } from '@app/ingest';

export interface EventTimeInput {
  /** Reception time, ms. */
  now: number;
  /** The event's time by the sender's clock. */
  timestamp?: unknown;
  /** When the sender sent the request, by the same clock. */
  sentAt?: unknown;
  /** Milliseconds between the event and the send (PostHog `offset`): wins over the rest. */
  offset?: unknown;
  /** Turns the sent_at correction off (PostHog `$ignore_sent_at`). */
  ignoreSentAt?: boolean;
}

/**
 * The event time with the sender's clock skew removed: with `offset`, now − offset; with both
 * `timestamp` and `sent_at`, now + (timestamp − sent_at), so a client clock that runs wrong
 * only shifts events by the network delay; with `timestamp` alone, the timestamp; nothing
 * usable: now. Only the wire formats know these fields, so the correction lives here; what is
 * too far ahead is decided afterwards for every source alike (`resolveTimestamp`, @app/ingest).
 */
export function eventTime(input: EventTimeInput): number {
  const { now } = input;
  if (typeof input.offset === 'number' && Number.isFinite(input.offset)) return now - input.offset;
  const timestamp = parseInstant(input.timestamp);
  if (timestamp === undefined) return now;
  const sentAt = input.ignoreSentAt ? undefined : parseInstant(input.sentAt);
  return sentAt !== undefined ? now + (timestamp - sentAt) : timestamp;
}
