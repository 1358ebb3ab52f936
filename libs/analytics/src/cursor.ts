import { invalid } from './errors';

/** The last row of a page: where the next page starts (exclusive). */
export interface EventCursor {
  /** ISO 8601 instant with milliseconds, as the listing returns `createdAt`. */
  createdAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * An opaque token for keyset paging. It is base64url JSON so it survives a query string
 * untouched; clients must not build it, and decoding checks every field, since it comes
 * back from the client like any other input.
 */
export function encodeEventCursor(cursor: EventCursor): string {
  const ms = new Date(cursor.createdAt).getTime();
  if (!Number.isFinite(ms)) throw new Error(`cannot encode cursor at ${cursor.createdAt}`);
  return Buffer.from(JSON.stringify([ms, cursor.id.toLowerCase()]), 'utf8').toString('base64url');
}

export function decodeEventCursor(token: string): { createdAt: Date; id: string } {
  const bad = () => invalid(['cursor'], 'Invalid cursor');
  if (typeof token !== 'string' || token.length === 0 || token.length > 200 || !/^[A-Za-z0-9_-]+$/.test(token)) throw bad();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw bad();
  const [ms, id] = decoded as unknown[];
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0 || typeof id !== 'string' || !UUID.test(id)) throw bad();
  return { createdAt: new Date(ms), id };
}

/** The token for the page after `rows`, or null when this page was the last. */
export function nextEventCursor(rows: readonly EventCursor[], limit: number): string | null {
  if (rows.length < limit || rows.length === 0) return null;
  const last = rows[rows.length - 1];
  return encodeEventCursor({ createdAt: last.createdAt, id: last.id });
}
