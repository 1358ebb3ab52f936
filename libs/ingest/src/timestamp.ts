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

function parseClientTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= MIN_EPOCH_MS ? value : undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || text.length > 64) return undefined;
  // A zoneless ISO date-time is taken as UTC, not as the server's local time.
  const iso = !HAS_ZONE.test(text) && DATE_ONLY_OR_TIME.test(text) && text.length > 10 ? `${text}Z` : text;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) || ms < MIN_EPOCH_MS ? undefined : ms;
}

/**
 * The event time from the client's timestamp (`__timestamp`, ISO or epoch ms) and the time
 * of reception: the client's time is honoured unless missing, invalid or more than a minute in
 * the future (then reception time is used); it is "from the past" when more than 15 minutes
 * before reception.
 */
export function resolveTimestamp(clientTimestamp: unknown, receivedAt: Date): ResolvedTimestamp {
  const now = receivedAt.getTime();
  const client = parseClientTime(clientTimestamp);
  if (client === undefined || client - now > MAX_FUTURE_SKEW_MS) {
    return { createdAt: new Date(now), fromPast: false };
  }
  return { createdAt: new Date(client), fromPast: now - client > PAST_THRESHOLD_MS };
}
