import { decompressFromBase64 } from 'lz-string';
import { ApiError } from '@app/common';
import { gunzipCapped, isGzip, mediaType, parseJson, tooLarge, utf8 } from '../capture-body';

/** What the decoding chain needs to know about a PostHog request. */
export interface PosthogRawRequest {
  body: Buffer;
  contentType?: string;
  contentEncoding?: string;
  /** `data` and `compression` from the query string, already URL-decoded. */
  query: { data?: unknown; compression?: unknown };
}

export interface DecodeLimits {
  /** Cap on the inflated body (gzip), and on any decoded text. */
  maxDecodedBytes: number;
  /**
   * lz-string has no output cap and its worst case grows with the square of the input, so
   * lz64 (a legacy posthog-js encoding, used for small batches) is refused above this size.
   */
  maxLz64Chars: number;
}

type Compression = 'gzip' | 'lz64' | 'base64' | 'none';

const HINTS: Record<string, Compression> = {
  gzip: 'gzip',
  'gzip-js': 'gzip',
  'x-gzip': 'gzip',
  lz64: 'lz64',
  'lz-string': 'lz64',
  base64: 'base64',
  b64: 'base64',
};

// Base64 (standard or URL-safe, `+` possibly turned into a space by form decoding).
const BASE64 = /^[A-Za-z0-9+/\-_ \r\n]+={0,2}\s*$/;

function text(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function hintOf(value: string | undefined): Compression {
  return (value && HINTS[value.trim().toLowerCase()]) || 'none';
}

/** Form decoding turns a literal `+` into a space; base64 never contains spaces. */
function restorePlus(value: string): string {
  return value.replace(/ /g, '+');
}

function fromBase64(value: string): Buffer {
  const bytes = Buffer.from(restorePlus(value.trim()), 'base64');
  if (bytes.length === 0) throw ApiError.badRequest('Body is not valid base64');
  return bytes;
}

/** A whole body of base64 characters (JSON always starts with `{`, `[` or a quote). */
function looksLikeBase64(bytes: Buffer): boolean {
  if (bytes.length < 4) return false;
  const first = bytes[0];
  if (first === 0x7b || first === 0x5b || first === 0x22) return false;
  return BASE64.test(bytes.toString('latin1'));
}

function lz64(value: string, limits: DecodeLimits): string {
  if (value.length > limits.maxLz64Chars) throw tooLarge('lz64 body is too large');
  let out: string | null;
  try {
    out = decompressFromBase64(restorePlus(value));
  } catch (e) {
    if (e instanceof RangeError) throw tooLarge('Decompressed body is too large');
    throw ApiError.badRequest('Body is not valid lz64');
  }
  if (!out) throw ApiError.badRequest('Body is not valid lz64');
  if (out.length > limits.maxDecodedBytes) throw tooLarge('Decompressed body is too large');
  return out;
}

async function inflateIfGzip(bytes: Buffer, limits: DecodeLimits): Promise<Buffer | undefined> {
  return isGzip(bytes) ? gunzipCapped(bytes, limits.maxDecodedBytes) : undefined;
}

/**
 * PostHog's decoding chain, in order: the payload is the query's `data`, else the body (a form
 * body gives `data` and `compression`); the compression hint is the query's `compression`, else
 * the form's, else `Content-Encoding`; gzip is also recognised by its magic bytes without a
 * hint (current posthog-js sends it as text/plain), and a body made only of base64 is decoded.
 * Returns the parsed JSON; 400 for anything undecodable, 413 for a bomb.
 */
export async function decodePosthogPayload(req: PosthogRawRequest, limits: DecodeLimits): Promise<unknown> {
  let payload: Buffer | string | undefined = text(req.query.data);
  let formCompression: string | undefined;
  if (payload === undefined && req.body.length > 0) {
    if (mediaType(req.contentType) === 'application/x-www-form-urlencoded') {
      const form = new URLSearchParams(utf8(req.body));
      payload = form.get('data') ?? undefined;
      formCompression = form.get('compression') ?? undefined;
    } else {
      payload = req.body;
    }
  }
  if (payload === undefined || payload.length === 0) throw ApiError.badRequest('No data found in the request');

  const hint = hintOf(text(req.query.compression) ?? formCompression ?? req.contentEncoding);
  if (hint === 'lz64') return parseJson(lz64(typeof payload === 'string' ? payload : utf8(payload), limits));

  const raw = payload;
  let bytes =
    hint === 'base64'
      ? fromBase64(typeof raw === 'string' ? raw : raw.toString('latin1'))
      : typeof raw === 'string'
        ? Buffer.from(raw, 'utf8')
        : raw;
  // A gzip hint on a body that is not gzip (a proxy inflated it) is read as plain.
  let inflated = await inflateIfGzip(bytes, limits);
  if (!inflated && hint !== 'base64' && looksLikeBase64(bytes)) {
    bytes = fromBase64(bytes.toString('latin1'));
    inflated = await inflateIfGzip(bytes, limits);
  }
  return parseJson(utf8(inflated ?? bytes));
}
