import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ApiExceptionFilter,
  ApiValidationPipe,
  CALLER_REQUEST_ID_HEADER,
  callerRequestId,
  renderConnectionError,
  renderError,
} from '@app/common';
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
 * as the string "5"), which is right for query strings and wrong for a JSON API. Exported for
 * bodies checked item by item after the route (/track/batch), so both read JSON alike.
 */
export const JSON_BODY_AJV_OPTIONS = {
  coerceTypes: false,
  useDefaults: true,
  removeAdditional: true,
  allErrors: false,
  strict: false,
} as const;
const JSON_BODIES = addFormats(new Ajv(JSON_BODY_AJV_OPTIONS));
const PARAMETERS = addFormats(
  new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: true, allErrors: false, strict: false }),
);

const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The longest path parameter a route may receive, as the router measures it (decoded, in
 * UTF-16 units; encoded when it does not decode). The longest documented parameter is an
 * event name of 255 characters: 255 code points of 4 UTF-8 bytes each are 3,060 characters
 * percent-encoded, which fits in either form. Past the router, each route's DTO caps its own
 * parameters with a 400; Fastify's default of 100 made ids and names the API had created
 * unaddressable (414).
 */
export const MAX_PARAM_LENGTH = 255 * 4 * 3;

/**
 * The OpenPanel-style APIs take JSON bodies only: Nest would register a form-body parser
 * beside JSON for every route (and Fastify has a text/plain one, removed below), so these
 * bodies reached the DTOs. With only Fastify's JSON parser left, anything else is a 415
 * before the body is read. Capture routes, which take form bodies and text/plain, read their
 * own raw body (src/capture/capture-http.setup.ts) and are not affected.
 */
class JsonBodyFastifyAdapter extends FastifyAdapter {
  override registerParserMiddleware(): void {}
}

/**
 * Answers, in the API's shape, what Node's HTTP parser refuses before Fastify sees a request
 * (malformed headers, headers over 16 KB, a request not received in time), then closes the
 * connection, as Node itself would. Nothing is written once an answer has started.
 */
function answerConnectionError(error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const { status, body } = renderConnectionError(error.code);
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}

/** The router's refusals (a path parameter over MAX_PARAM_LENGTH, bad percent-encoding), in the API's shape. */
function answerRoutingError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = renderError(error, request.id, callerRequestId(request.headers[CALLER_REQUEST_ID_HEADER]));
  void reply.code(status).header(REQUEST_ID_HEADER, request.id).send(body);
}

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  const { requestTimeoutMs, headersTimeoutMs, keepAliveTimeoutMs } = config.http;
  const adapter = new JsonBodyFastifyAdapter({
    bodyLimit: DEFAULT_BODY_LIMIT,
    trustProxy: config.trustProxy,
    // Ids are made here only: Fastify would otherwise take the caller's x-request-id, so a
    // caller could pick the id a 500 answer and its log line carry, or reuse another's.
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    // Fastify's default requestTimeout of 0 turns Node's off: a body trickled a byte at a time
    // held its connection for ever. It covers capture routes too: Node times the whole request,
    // whoever reads the body.
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    http: {
      // Node checks headersTimeout against the requestTimeout it is given here, at creation.
      requestTimeout: requestTimeoutMs,
      headersTimeout: headersTimeoutMs,
      // Node looks for expired requests only this often (30 s by default, which would let a
      // request live up to a minute): a quarter of the shorter timeout, at most each second.
      connectionsCheckingInterval: Math.min(1000, Math.ceil(headersTimeoutMs / 4)),
    },
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: answerRoutingError,
    clientErrorHandler: answerConnectionError,
    // Idle keep-alive sockets are closed at shutdown; in-flight requests finish first.
    forceCloseConnections: 'idle',
    logger: false,
  });
  const fastify = adapter.getInstance();
  fastify.removeContentTypeParser('text/plain'); // see JsonBodyFastifyAdapter
  fastify.addHook('onRoute', (route) => {
    const limit = (route.config as Record<string, unknown> | undefined)?.[BODY_LIMIT];
    if (typeof limit === 'number') route.bodyLimit = limit;
    if (route.schema?.body)
      route.validatorCompiler = ({ schema, httpPart }) => (httpPart === 'body' ? JSON_BODIES : PARAMETERS).compile(schema);
  });
  // Every answer names the request by our id, which the logs and 500 bodies carry too (under
  // the header name callers use for theirs, which is only logged, apart).
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
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
