import { randomUUID } from 'node:crypto';
import { ValidationPipe } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ApiExceptionFilter, renderError, validationDetails } from '@app/common';
import type { AppConfig } from './config';
import { buildOpenApiDocument, setupSwaggerUi } from './openapi/openapi';

/** Default cap on JSON bodies; routes that take more (batches, capture) raise their own. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: DEFAULT_BODY_LIMIT,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Idle keep-alive sockets are closed at shutdown; in-flight requests finish first.
    forceCloseConnections: 'idle',
    logger: false,
  });
}

/** Everything both main.ts and the tests apply to the app: pipes, errors, body parsing, docs. */
export function configureApp(app: NestFastifyApplication): void {
  app.useGlobalPipes(
    new ValidationPipe({
      transform: true,
      whitelist: true,
      forbidUnknownValues: true,
      exceptionFactory: (errors) => ApiError.badRequest('Invalid request', validationDetails(errors)),
    }),
  );
  app.useGlobalFilters(new ApiExceptionFilter());

  const fastify = app.getHttpAdapter().getInstance();
  // Errors raised by Fastify itself (body parsing, size limits) take the same shape.
  fastify.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, headers } = renderError(error, request.id);
    if (headers) void reply.headers(headers);
    void reply.status(status).send(body);
  });

  setupSwaggerUi(app, buildOpenApiDocument(app));
}
