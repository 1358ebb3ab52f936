import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { promisify } from 'node:util';
import { createGunzip, gunzip, gunzipSync } from 'node:zlib';
import { ApiError } from '@app/common';

const gunzipAsync = promisify(gunzip);
const EMPTY = Buffer.alloc(0);
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** After a 413, this much more of the body is read and dropped to keep the connection usable. */
const MAX_DISCARD = 64 * 1024 * 1024;

export function tooLarge(message = 'Request body is too large'): ApiError {
  return new ApiError('payload_too_large', message);
}

export function hasBody(raw: IncomingMessage): boolean {
  const length = raw.headers['content-length'];
  return raw.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Reads and drops what is left of a body so the next request on the connection can be parsed. */
function discard(raw: IncomingMessage): void {
  let dropped = 0;
  raw.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > MAX_DISCARD) raw.destroy();
  });
  raw.resume();
}

/**
 * The request body, at most `limit` bytes. A `Content-Length` above the limit is refused
 * before anything is read (Node drops the unread body once the answer is sent); a body without
 * one is refused as soon as it crosses the limit, and the rest is drained, not buffered.
 */
export function readBody(raw: IncomingMessage, limit: number): Promise<Buffer> {
  if (!hasBody(raw) || raw.readableEnded) return Promise.resolve(EMPTY);
  const declared = Number(raw.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge());
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('error', onError);
      raw.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        discard(raw);
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = () => {
      stop();
      reject(ApiError.badRequest('Request body could not be read'));
    };
    const onClose = () => {
      if (raw.readableEnded) return;
      stop();
      reject(ApiError.badRequest('Request body was cut short'));
    };
    raw.on('data', onData);
    raw.on('end', onEnd);
    raw.on('error', onError);
    raw.on('close', onClose);
  });
}

/** The request's raw body, read once (at most `limit` bytes) and kept for the later steps. */
export async function captureBody(req: FastifyRequest, limit: number): Promise<Buffer> {
  req.captureBody ??= await readBody(req.raw, limit);
  return req.captureBody;
}

export function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Compressed bodies up to this size inflate on the event loop: a 100-event batch takes about
 * 0.1 ms, less than the pool round trips of async inflation (one per 16 KB of output by
 * default) cost on a busy loop. Larger ones inflate in the pool, in large chunks.
 */
const INLINE_GUNZIP_BYTES = 32 * 1024;
const GUNZIP_CHUNK_BYTES = 256 * 1024;

/** Inflates gzip with a cap on the output, so a small bomb cannot fill the memory (413). */
export async function gunzipCapped(bytes: Buffer, maxBytes: number): Promise<Buffer> {
  try {
    const options = { maxOutputLength: maxBytes, chunkSize: GUNZIP_CHUNK_BYTES };
    return bytes.length <= INLINE_GUNZIP_BYTES ? gunzipSync(bytes, options) : await gunzipAsync(bytes, options);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError)
      throw tooLarge('Decompressed body is too large');
    throw ApiError.badRequest('Body is not valid gzip');
  }
}

/**
 * The first `maxBytes` (or so) a gzip body inflates to, or undefined when it is no gzip: a
 * glance at the start of a body without inflating all of it. The stream stops as soon as it
 * has enough, so a bomb costs no more than a plain body.
 */
export function gunzipPrefix(bytes: Buffer, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const gunzip = createGunzip({ chunkSize: 16 * 1024 });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      resolve(size > 0 ? Buffer.concat(chunks, size) : undefined);
    };
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) settle();
    });
    // A broken or cut stream still gives what came before the break.
    gunzip.on('end', settle);
    gunzip.on('error', settle);
    gunzip.end(bytes.subarray(0, maxBytes));
  });
}

/** Strict UTF-8: a body with invalid sequences is refused rather than silently repaired. */
export function utf8(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw ApiError.badRequest('Body is not valid UTF-8');
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw ApiError.badRequest('Body is not valid JSON');
  }
}

/** `application/json; charset=utf-8` → `application/json`. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** A JSON body, gzip-inflated when `Content-Encoding` or its first bytes say so. */
export async function decodeJsonBody(body: Buffer, contentEncoding: string | undefined, maxDecoded: number): Promise<unknown> {
  if (body.length === 0) throw ApiError.badRequest('Body is empty');
  const gzip = isGzip(body) || /gzip/i.test(contentEncoding ?? '');
  return parseJson(utf8(gzip ? await gunzipCapped(body, maxDecoded) : body));
}
