/** A client clock this far ahead is wrong, not early: its timestamp is replaced by ours. */
export const MAX_FUTURE_SKEW_MS = 60 * 1000;
/** Older events are late uploads (offline queues, imports): stored, but given no session. */
export const PAST_THRESHOLD_MS = 15 * 60 * 1000;

export interface ResolvedTimestamp {
  createdAt: Date;
  /** More than 15 minutes before reception: callers give such events no session. */
  fromPast: boolean;
}

// Epoch seconds would read as January 1970 in milliseconds; anything below this is rejected.
const MIN_EPOCH_MS = Date.UTC(2000, 0, 1);
// A date without a zone is read by JS as local time; ISO strings must carry one.
const HAS_ZONE = /(?:z|[+-]\d{2}:?\d{2})$/i;
const DATE_ONLY_OR_TIME = /^\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?$/i;
// Epoch milliseconds written as text (PostHog's `_` query parameter).
const EPOCH_DIGITS = /^\d{10,16}$/;

/**
 * The one reader of a sender's instant, for every source: ISO 8601 (a zoneless date-time is
 * UTC, not the server's local time), epoch milliseconds as a number or as digits, or a Date.
 * Anything else, or a time before 2000 (epoch seconds read as milliseconds), is undefined.
 */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= MIN_EPOCH_MS ? value : undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || text.length > 64) return undefined;
  if (EPOCH_DIGITS.test(text)) return parseInstant(Number(text));
  const iso = !HAS_ZONE.test(text) && DATE_ONLY_OR_TIME.test(text) && text.length > 10 ? `${text}Z` : text;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) || ms < MIN_EPOCH_MS ? undefined : ms;
}

/**
 * The event-time policy of every source, and its only place: the client's time (`__timestamp`,
 * or what a capture adapter made of its wire format's timestamp after removing the sender's
 * clock skew) is honoured unless missing, invalid or more than a minute ahead of reception
 * (then the reception time is used, as OpenPanel does); it is "from the past" when more than
 * 15 minutes before reception.
 */
export function resolveTimestamp(clientTimestamp: unknown, receivedAt: Date): ResolvedTimestamp {
  const now = receivedAt.getTime();
  const client = parseInstant(clientTimestamp);
  if (client === undefined || client - now > MAX_FUTURE_SKEW_MS) {
    return { createdAt: new Date(now), fromPast: false };
  }
  return { createdAt: new Date(client), fromPast: now - client > PAST_THRESHOLD_MS };
}
