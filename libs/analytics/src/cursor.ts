import { invalid } from './errors';

/** The last row of a page: where the next page starts (exclusive). */
export interface EventCursor {
  /** ISO 8601 instant with milliseconds, as the listing returns `createdAt`. */
  createdAt: string;
  id: string;
  /** The number of the page the cursor opens, so `meta.current` stays meaningful while seeking. */
  page?: number;
}

export interface DecodedEventCursor {
  createdAt: Date;
  id: string;
  /** Null for a token that carries no page number. */
  page: number | null;
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
  const fields: (number | string)[] = [ms, cursor.id.toLowerCase()];
  if (cursor.page !== undefined) fields.push(cursor.page);
  return Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
}

export function decodeEventCursor(token: string): DecodedEventCursor {
  const bad = () => invalid(['cursor'], 'Invalid cursor');
  if (typeof token !== 'string' || token.length === 0 || token.length > 200 || !/^[A-Za-z0-9_-]+$/.test(token)) throw bad();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(decoded) || decoded.length < 2 || decoded.length > 3) throw bad();
  const [ms, id, page] = decoded as unknown[];
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0 || typeof id !== 'string' || !UUID.test(id)) throw bad();
  if (page !== undefined && (typeof page !== 'number' || !Number.isSafeInteger(page) || page < 2)) throw bad();
  return { createdAt: new Date(ms), id, page: page ?? null };
}

/**
 * Splits what a page statement returned (it asks for one row more than `limit`) into the
 * page itself and the token of the next page: a token only when that extra row exists, so
 * the last page never points at an empty one. `page` is the number of the page in hand (null
 * when unknown, and then so is the next one's).
 */
export function splitEventPage<T extends EventCursor>(
  rows: readonly T[],
  limit: number,
  page: number | null,
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows: [...rows], nextCursor: null };
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return {
    rows: kept,
    nextCursor: encodeEventCursor({ createdAt: last.createdAt, id: last.id, page: page === null ? undefined : page + 1 }),
  };
}
