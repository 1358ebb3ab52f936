/** PostHog's rule: an event more than 23 hours ahead of the server is given the server's time. */
export const MAX_FUTURE_MS = 23 * 60 * 60 * 1000;

const MIN_EPOCH_MS = Date.UTC(2000, 0, 1);
const ZONE = /(?:z|[+-]\d{2}:?\d{2})$/i;
const DIGITS = /^\d{10,16}$/;

/** ISO 8601 (a zoneless one is UTC) or epoch milliseconds, as a number or a string of digits. */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= MIN_EPOCH_MS ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (s === '' || s.length > 64) return undefined;
  if (DIGITS.test(s)) return parseInstant(Number(s));
  const ms = Date.parse(ZONE.test(s) || s.length <= 10 ? s : `${s}Z`);
  return Number.isNaN(ms) || ms < MIN_EPOCH_MS ? undefined : ms;
}

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
 * only shifts events by the network delay; with `timestamp` alone, the timestamp. More than
 * 23 hours in the future, or nothing usable: now.
 */
export function eventTime(input: EventTimeInput): Date {
  const { now } = input;
  let at = now;
  if (typeof input.offset === 'number' && Number.isFinite(input.offset)) {
    at = now - input.offset;
  } else {
    const timestamp = parseInstant(input.timestamp);
    const sentAt = input.ignoreSentAt ? undefined : parseInstant(input.sentAt);
    if (timestamp !== undefined) at = sentAt !== undefined ? now + (timestamp - sentAt) : timestamp;
  }
  return new Date(at - now > MAX_FUTURE_MS || !Number.isFinite(at) ? now : at);
}
