import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '@app/common';
import { type RequestDecoder, firstHeader, type IngestCredentials } from '../../auth';
import { captureBody, decodeJsonBody, mediaType } from '../capture-body';
import { keyCredentials, obj, str } from '../capture-context';

/** Commanders Act's cap on one request. */
export const COMMANDERS_ACT_LIMIT = 32 * 1024;
const MAX_DECODED = 1024 * 1024;

/**
 * The source key comes in `?token=` or `Authorization: Bearer`, and is checked before the body
 * is read; the body must be JSON (Content-Type application/json, at most 32 KB) and is left on
 * the request for the handler.
 */
@Injectable()
export class CommandersActRequestDecoder implements RequestDecoder {
  async peek(req: FastifyRequest): Promise<IngestCredentials> {
    const bearer = /^bearer\s+(\S+)\s*$/i.exec(firstHeader(req, 'authorization') ?? '');
    return keyCredentials(
      str((req.query as { token?: unknown } | undefined)?.token) ?? bearer?.[1],
      firstHeader(req, 'openpanel-client-secret'),
    );
  }

  async decode(req: FastifyRequest): Promise<IngestCredentials> {
    if (mediaType(req.captureContentType) !== 'application/json') throw ApiError.badRequest('Content-Type must be application/json');
    const body = obj(await decodeJsonBody(await captureBody(req, COMMANDERS_ACT_LIMIT), firstHeader(req, 'content-encoding'), MAX_DECODED));
    if (!body) throw ApiError.badRequest('Body must be a JSON object');
    req.captured = body;
    return this.peek(req);
  }
}
