import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type RequestDecoder, firstHeader, type IngestCredentials } from '../../auth';
import { captureBody, decodeJsonBody } from '../capture-body';
import { keyCredentials, obj, str } from '../capture-context';
import { captureBodyLimitOf } from '../capture-route.decorator';

/** Segment's caps: a batch request, and a single call. */
export const SEGMENT_BATCH_LIMIT = 500 * 1024;
export const SEGMENT_SINGLE_LIMIT = 32 * 1024;
/** A gzip body may inflate to this much. */
const MAX_DECODED = 8 * 1024 * 1024;

/**
 * `Authorization: Basic base64(writeKey:password)` → writeKey and password. analytics-node
 * always appends the colon itself, so a write key set to `CLIENT_ID:SECRET` arrives as
 * `CLIENT_ID:SECRET:`: one trailing colon is dropped (secrets hold none).
 */
export function basicAuth(header: string | undefined): { user?: string; password?: string } {
  const m = header ? /^basic\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) return {};
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1).replace(/:$/, '');
  return { user: user || undefined, password: password || undefined };
}

/**
 * The write key is the Basic user name (the password: empty, or the client secret), else
 * `writeKey` in the body. The body is read (the route's cap: 500 KB for a batch, else 32 KB for
 * one call) and decoded
 * only once a key from the header has been checked, or when the key can only be in the body;
 * it is left on the request for the handler.
 */
@Injectable()
export class SegmentRequestDecoder implements RequestDecoder {
  async peek(req: FastifyRequest): Promise<IngestCredentials> {
    const basic = basicAuth(firstHeader(req, 'authorization'));
    return { id: basic.user, secret: basic.password ?? firstHeader(req, 'openpanel-client-secret') };
  }

  async decode(req: FastifyRequest): Promise<IngestCredentials> {
    const limit = captureBodyLimitOf(req) ?? SEGMENT_SINGLE_LIMIT;
    const body = await decodeJsonBody(await captureBody(req, limit), firstHeader(req, 'content-encoding'), MAX_DECODED);
    req.captured = body;
    const basic = basicAuth(firstHeader(req, 'authorization'));
    if (basic.user) return { id: basic.user, secret: basic.password ?? firstHeader(req, 'openpanel-client-secret') };
    return keyCredentials(str(obj(body)?.writeKey), firstHeader(req, 'openpanel-client-secret'));
  }
}
