import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata, type Type } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExtension, ApiSecurity } from '@nestjs/swagger';
import { ERROR_FORMAT_CONFIG, type ErrorFormat } from '@app/common';
import { AuthScopeOf, CLIENT_MODES_EXTENSION, CLIENT_MODES_KEY, DecodedBy, type RequestDecoder } from '../auth';
import { INGEST_CHANNEL, type IngestChannel } from '../pipeline';

/** Fastify route config flag of capture routes, read by CaptureHttpSetup. */
export const CAPTURE_CONFIG = 'capture';

/** Fastify route config key of a capture route's own cap on its raw body, read by its decoder. */
export const CAPTURE_BODY_LIMIT = 'captureBodyLimit';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's own Content-Type (capture routes read their bodies raw, see CaptureHttpSetup). */
    captureContentType?: string;
    /** What the route's credentials decoder decoded from the body, for the handler. */
    captured?: unknown;
    /** The raw body, once read (see `captureBody`). */
    captureBody?: Buffer;
  }
}

/**
 * A capture handler: its body is read raw by the adapter (any content type, gzip, …), it
 * answers browsers from any origin (CORS), with or without a trailing slash, and its errors
 * are rendered in the wire format by `errorFormat`. A handler that ingests names its `channel`
 * (its events' source, in the metrics too); `bodyLimit` is for decoders whose cap differs by
 * route (see `captureBodyLimitOf`).
 */
export function CaptureRoute(errorFormat?: ErrorFormat, channel?: IngestChannel, bodyLimit?: number) {
  return RouteConfig({
    [CAPTURE_CONFIG]: true,
    ...(errorFormat ? { [ERROR_FORMAT_CONFIG]: errorFormat } : {}),
    ...(channel ? { [INGEST_CHANNEL]: channel } : {}),
    ...(bodyLimit ? { [CAPTURE_BODY_LIMIT]: bodyLimit } : {}),
  });
}

/** The body cap the request's route declares (`CaptureRoute`'s `bodyLimit`), if any. */
export function captureBodyLimitOf(request: FastifyRequest): number | undefined {
  return (request.routeOptions.config as { [CAPTURE_BODY_LIMIT]?: number } | undefined)?.[CAPTURE_BODY_LIMIT];
}

/** What the route's credentials decoder decoded from the body (`request.captured`), as a handler parameter. */
export const Captured = createParamDecorator(
  (_: unknown, context: ExecutionContext): unknown => context.switchToHttp().getRequest<FastifyRequest>().captured,
);

const CAPTURE_MODES = ['write', 'root'];

/**
 * Who may send to a capture controller: write and root clients of a project, identified by
 * the key the wire format carries (found by `decoder`), proven as for /track (a secret, an
 * allowed Origin, or a `public` client). Under /track's opt-in budget (TRACK_RATE_LIMIT) and
 * the guard's failed-authentication budget; each operation documents its 429 in its wire format.
 */
export function CaptureAuth(decoder: Type<RequestDecoder>, ...securitySchemes: string[]) {
  return applyDecorators(
    AuthScopeOf('ingest'),
    SetMetadata(CLIENT_MODES_KEY, CAPTURE_MODES),
    ApiExtension(CLIENT_MODES_EXTENSION, CAPTURE_MODES),
    DecodedBy(decoder),
    ...securitySchemes.map((scheme) => ApiSecurity(scheme)),
  );
}
