import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type CredentialsReader, firstHeader, type IngestCredentials } from '../../auth';
import { readBody } from '../capture-body';
import { type DecodeLimits, decodePosthogPayload } from './posthog-decode';
import { type PosthogEnvelope, readEnvelope, resolveToken } from './posthog-envelope';

/** PostHog's own cap on a request body. */
export const POSTHOG_BODY_LIMIT = 20 * 1024 * 1024;

export const POSTHOG_DECODE_LIMITS: DecodeLimits = {
  maxDecodedBytes: 100 * 1024 * 1024,
  maxLz64Chars: 64 * 1024,
};

type PosthogQuery = { data?: unknown; compression?: unknown; token?: unknown; api_key?: unknown };

/**
 * Reads and decodes a PostHog request (the key is inside the body) and finds its project
 * key; the decoded envelope is left on the request for the handler. A secret may come in the
 * `openpanel-client-secret` header; without one the client must be public or the Origin allowed.
 */
@Injectable()
export class PosthogCredentials implements CredentialsReader {
  async read(req: FastifyRequest): Promise<IngestCredentials> {
    const query = (req.query ?? {}) as PosthogQuery;
    const body = await readBody(req.raw, POSTHOG_BODY_LIMIT);
    const json = await decodePosthogPayload(
      { body, contentType: req.captureContentType, contentEncoding: firstHeader(req, 'content-encoding'), query },
      POSTHOG_DECODE_LIMITS,
    );
    const envelope = readEnvelope(json);
    req.captured = envelope;
    return { id: resolveToken(envelope, query), secret: firstHeader(req, 'openpanel-client-secret') };
  }
}

export function capturedEnvelope(req: FastifyRequest): PosthogEnvelope {
  return req.captured as PosthogEnvelope;
}
