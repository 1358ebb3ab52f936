import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type RequestDecoder, firstHeader, type IngestCredentials } from '../../auth';
import { captureBody } from '../capture-body';
import { keyCredentials, str } from '../capture-context';
import { type DecodeLimits, decodePosthogPayload } from './posthog-decode';
import { glanceToken, type PosthogEnvelope, readEnvelope, resolveToken } from './posthog-envelope';

/** PostHog's own cap on a request body. */
export const POSTHOG_BODY_LIMIT = 20 * 1024 * 1024;

/**
 * A decoded body may be as large as PostHog takes a raw one: parsing that much JSON holds the
 * event loop for about 60 to 120 ms on a small machine, which bounds what one request costs.
 */
export const POSTHOG_DECODE_LIMITS: DecodeLimits = {
  maxDecodedBytes: 20 * 1024 * 1024,
  maxLz64Chars: 64 * 1024,
};

type PosthogQuery = { data?: unknown; compression?: unknown; token?: unknown; api_key?: unknown };

/**
 * Finds a PostHog request's project key: `?token=` / `?api_key=`, else a glance at the start
 * of the body (server SDKs put `api_key` first; posthog-js puts `token` in the first event's
 * properties), so the key is checked before the body is decoded. Then decodes the body; the
 * envelope is left on the request for the handler, and the key it names wins as PostHog's
 * does. A secret may come in the `openpanel-client-secret` header or in the key itself
 * (`CLIENT_ID:SECRET`, see keyCredentials); without one the client must be public or the
 * Origin allowed.
 */
@Injectable()
export class PosthogRequestDecoder implements RequestDecoder {
  async peek(req: FastifyRequest): Promise<IngestCredentials> {
    const query = (req.query ?? {}) as PosthogQuery;
    const secret = firstHeader(req, 'openpanel-client-secret');
    const fromQuery = str(query.token) ?? str(query.api_key);
    return keyCredentials(fromQuery ?? (await glanceToken(await captureBody(req, POSTHOG_BODY_LIMIT))), secret);
  }

  async decode(req: FastifyRequest): Promise<IngestCredentials> {
    const query = (req.query ?? {}) as PosthogQuery;
    const json = await decodePosthogPayload(
      {
        body: await captureBody(req, POSTHOG_BODY_LIMIT),
        contentType: req.captureContentType,
        contentEncoding: firstHeader(req, 'content-encoding'),
        query,
      },
      POSTHOG_DECODE_LIMITS,
    );
    const envelope = readEnvelope(json);
    req.captured = envelope;
    return keyCredentials(resolveToken(envelope, query), firstHeader(req, 'openpanel-client-secret'));
  }
}

export function capturedEnvelope(req: FastifyRequest): PosthogEnvelope {
  return req.captured as PosthogEnvelope;
}
