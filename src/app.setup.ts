import { randomUUID } from 'node:crypto';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiExceptionFilter, ApiValidationPipe } from '@app/common';
import type { AppConfig } from './config';
import { buildOpenApiDocument, setupSwaggerUi } from './openapi/openapi';

/** Default cap on JSON bodies; routes that take more (batches, capture) raise their own. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Route config key for a route's own body cap: `@RouteConfig({ [BODY_LIMIT]: bytes })`.
 * Fastify takes `bodyLimit` per route but Nest has no decorator for it, so an `onRoute` hook
 * copies it from the route config before the route is built; the cap is enforced while the
 * body streams in, so a larger body is never buffered.
 */
export const BODY_LIMIT = 'bodyLimit';

/**
 * JSON bodies are checked as sent: Fastify's default validator coerces types (`5` would pass
 * as the string "5"), which is right for query strings and wrong for a JSON API.
 */
const JSON_BODIES = addFormats(new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: true, allErrors: false, strict: false }));
const PARAMETERS = addFormats(new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: true, allErrors: false, strict: false }));

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  const adapter = new FastifyAdapter({
    bodyLimit: DEFAULT_BODY_LIMIT,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Idle keep-alive sockets are closed at shutdown; in-flight requests finish first.
    forceCloseConnections: 'idle',
    logger: false,
  });
  adapter.getInstance().addHook('onRoute', (route) => {
    const limit = (route.config as Record<string, unknown> | undefined)?.[BODY_LIMIT];
    if (typeof limit === 'number') route.bodyLimit = limit;
    if (route.schema?.body) route.validatorCompiler = ({ schema, httpPart }) => (httpPart === 'body' ? JSON_BODIES : PARAMETERS).compile(schema);
  });
  return adapter;
}

/** Everything both main.ts and the tests apply to the app: pipes, errors, body parsing, docs. */
export function configureApp(app: NestFastifyApplication): void {
  app.useGlobalPipes(new ApiValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  // Errors raised by Fastify itself (body parsing, size limits) reach the same filter: Nest
  // installs its exception layer as Fastify's error handler when the app initialises.

  setupSwaggerUi(app, buildOpenApiDocument(app));
}
