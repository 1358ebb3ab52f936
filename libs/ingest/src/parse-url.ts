import { memoizeText } from './memo';

export interface ParsedUrl {
  /** Pathname as sent (still percent-encoded), or the raw input when it is no URL at all. */
  path: string;
  /** `scheme://host[:port]`; '' for bare paths and screen names. */
  origin: string;
  /** Lower-cased host name without port; '' when there is none. */
  hostname: string;
  /** Query parameters; the last of repeated keys wins. */
  query: Record<string, string>;
  /** Fragment with its leading '#' (as OpenPanel stores `__hash`), or ''. */
  hash: string;
}

/** Longer input is cut before parsing: URL parsing is linear, and no real page URL is this long. */
export const MAX_URL_LENGTH = 8192;
const MAX_QUERY_PARAMS = 100;
const MAX_QUERY_KEY_LENGTH = 256;
const MAX_QUERY_VALUE_LENGTH = 2048;
// Only used to parse bare paths; never appears in output.
const RELATIVE_BASE = 'http://relative.invalid';

function readQuery(params: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  let count = 0;
  for (const [key, value] of params) {
    if (key === '' || key === '__proto__' || key.length > MAX_QUERY_KEY_LENGTH) continue;
    if (!Object.hasOwn(query, key)) {
      if (count >= MAX_QUERY_PARAMS) continue;
      count++;
    }
    query[key] = value.length > MAX_QUERY_VALUE_LENGTH ? value.slice(0, MAX_QUERY_VALUE_LENGTH) : value;
  }
  return query;
}

function tryUrl(input: string, base?: string): URL | undefined {
  try {
    return new URL(input, base);
  } catch {
    return undefined;
  }
}

/**
 * Splits a page URL (OpenPanel's `__path`) into the parts the `events` row and properties
 * need. Absolute URLs of any scheme (`https:`, `capacitor:`, `android-app:`) keep their
 * origin; bare paths (`/pricing?plan=pro`) are split with an empty origin; anything else
 * (a React Native screen name, garbage) is kept whole as the path. Never throws.
 */
export function parseUrl(input: unknown): Readonly<ParsedUrl> {
  if (typeof input !== 'string') return EMPTY;
  let raw = input.trim();
  if (raw === '') return EMPTY;
  if (raw.length > MAX_URL_LENGTH) raw = raw.slice(0, MAX_URL_LENGTH);
  return parseCached(raw);
}

const EMPTY: Readonly<ParsedUrl> = Object.freeze({ path: '', origin: '', hostname: '', query: Object.freeze({}), hash: '' });

/**
 * Pages, referrers and origins repeat from event to event, and WHATWG URL parsing is the
 * dearest step of building a row: recent answers are kept (frozen, as callers share them).
 */
const parseCached = memoizeText(
  (raw) => {
    const parsed = parseRaw(raw);
    Object.freeze(parsed.query);
    return Object.freeze(parsed);
  },
  { max: 10_000, maxKeyLength: 512 },
);

function parseRaw(raw: string): ParsedUrl {
  const empty: ParsedUrl = { path: '', origin: '', hostname: '', query: {}, hash: '' };

  if (raw.startsWith('/') && !raw.startsWith('//')) {
    const url = tryUrl(raw, RELATIVE_BASE);
    if (!url) return { ...empty, path: raw };
    return { path: url.pathname, origin: '', hostname: '', query: readQuery(url.searchParams), hash: url.hash };
  }

  const url = tryUrl(raw.startsWith('//') ? `https:${raw}` : raw);
  if (!url) return { ...empty, path: raw };
  const hostname = url.hostname.toLowerCase();
  // Non-special schemes (capacitor:, android-app:) report an opaque origin of 'null'.
  const origin = hostname === '' ? '' : url.origin !== 'null' ? url.origin : `${url.protocol}//${url.host}`;
  return { path: url.pathname, origin, hostname, query: readQuery(url.searchParams), hash: url.hash };
}
