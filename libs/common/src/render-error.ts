import { STATUS_CODES } from 'node:http';
import { HttpException, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError, type ErrorDetail, statusOf } from './errors';
import { type ErrorBody, errorBody } from './error-body';

export interface RenderedError {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

const logger = new Logger('Errors');

/** Fastify's own client errors (bad JSON, body too large, media type) are safe to show. */
function fastifyClientError(e: unknown): { statusCode: number; code: string; message: string } | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { statusCode, code, message } = e as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  return { statusCode, code, message };
}

const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'Request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Request body is empty',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Request body size did not match Content-Length',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported content type: this route takes application/json',
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is too long',
  FST_ERR_BAD_URL: 'The URL is not valid (a path segment is not valid percent-encoding)',
};

/**
 * Errors Node's HTTP parser reports before a request exists (`clientError`), by code. Their
 * answer is written to the socket as is, in the API's shape, and the connection is closed.
 */
const CONNECTION_ERRORS: Record<string, { status: number; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive in time' },
  HPE_HEADER_OVERFLOW: { status: 431, message: 'Request headers are too large' },
};
const MALFORMED_REQUEST = { status: 400, message: 'Malformed HTTP request' };

/** The answer to a request Node could not parse or did not receive in time (never echoes it). */
export function renderConnectionError(code: string | undefined): RenderedError {
  const { status, message } = (code && CONNECTION_ERRORS[code]) || MALFORMED_REQUEST;
  return { status, body: errorBody(status, message) };
}

/** A caller's own request id, kept beside ours in logs: printable ASCII, at most 64 characters. */
export function callerRequestId(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const clean = value?.replace(/[^\x20-\x7e]/g, '').slice(0, 64);
  return clean || undefined;
}

interface FastifyValidationIssue {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

/** `/payload/groups/0` (+ a missing property) → `['payload', 'groups', 0, 'name']`. */
function toDetail(issue: FastifyValidationIssue): ErrorDetail {
  const path: (string | number)[] = (issue.instancePath ?? '')
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const missing = issue.params?.missingProperty;
  if (missing) path.push(missing);
  return { path, message: missing ? 'Required' : (issue.message ?? 'Invalid value') };
}

/**
 * Maps anything thrown while serving a request to the API's error shape. Unknown errors
 * become a 500 whose body says nothing about internals; the log keeps the details and the
 * request id so an operator can find them.
 */
/**
 * SQLSTATEs of a value PostgreSQL refuses: too long for its column (22001), not of its type
 * (22P02), or not a character it can hold (22021). The request checks are meant to refuse
 * such values first, naming the field; this is the net under them (class-validator's
 * MaxLength, for one, does not count U+FE0F, which PostgreSQL does), so a value is never a 500.
 */
const REFUSED_VALUE = new Set(['22001', '22P02', '22021']);

function refusedValue(e: unknown): string | undefined {
  const code = (e as { driverError?: { code?: unknown } } | null)?.driverError?.code;
  return typeof code === 'string' && REFUSED_VALUE.has(code) ? code : undefined;
}

export function renderError(exception: unknown, requestId: string, callerId?: string): RenderedError {
  // Nest hands Fastify's own errors (body parsing, media type) over wrapped in an
  // HttpException carrying Fastify's message, which may quote the input: the cause decides.
  if (exception instanceof HttpException && fastifyClientError(exception.cause)) exception = exception.cause;
  const refused = refusedValue(exception);
  if (refused) {
    logger.warn({ requestId, message: `PostgreSQL refused a value the checks let through (SQLSTATE ${refused})` });
    return { status: 400, body: errorBody(400, 'A value does not fit its field (too long, or not of its type)') };
  }
  if (exception instanceof ApiError) {
    const status = statusOf(exception.kind);
    return { status, body: errorBody(status, exception.message, exception.details), headers: exception.headers };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    let message = exception.message;
    if (typeof response === 'object' && response !== null && 'message' in response) {
      const m = (response as { message: unknown }).message;
      message = Array.isArray(m) ? m.join('; ') : String(m);
    }
    if (status >= 500) logger.error({ requestId, callerRequestId: callerId, err: String(exception.stack ?? exception) });
    return { status, body: errorBody(status, status >= 500 ? 'Internal server error' : message) };
  }
  const fastify = fastifyClientError(exception);
  const validation = (exception as { validation?: FastifyValidationIssue[] } | null)?.validation;
  if (fastify && Array.isArray(validation)) {
    return { status: 400, body: errorBody(400, 'Invalid request', validation.map(toDetail)) };
  }
  if (fastify) {
    // Fastify's own messages may quote the input (the whole path, the content type): only
    // known codes get a message of their own, the others the status text.
    const message =
      FASTIFY_MESSAGES[fastify.code] ?? (/^(JSON|Unexpected|Body)/i.test(fastify.message) ? 'Request body is not valid JSON' : undefined);
    return {
      status: fastify.statusCode,
      body: errorBody(fastify.statusCode, message ?? STATUS_CODES[fastify.statusCode] ?? 'Bad request'),
    };
  }
  logger.error({
    requestId,
    callerRequestId: callerId,
    message: 'unhandled error',
    err: exception instanceof Error ? exception.stack : String(exception),
  });
  return { status: 500, body: errorBody(500, `Internal server error (request ${requestId})`) };
}

/** An error answer in a wire format other than OpenPanel's (the capture APIs). */
export interface WireError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Re-renders the OpenPanel-shaped answer in a route's own wire format. */
export type ErrorFormat = (error: RenderedError) => WireError;

/**
 * Key of the Fastify route config (`@RouteConfig({ [ERROR_FORMAT_CONFIG]: format })`) by which
 * a route answers errors in its own wire format; routes without it use the OpenPanel shape.
 */
export const ERROR_FORMAT_CONFIG = 'errorFormat';

/**
 * A request id a caller may send. It is never our request id (the server makes those, so a
 * caller cannot pick or reuse the id a 500 answer and its log line carry); it is logged
 * beside ours, so the caller's own tracing still finds the request.
 */
export const CALLER_REQUEST_ID_HEADER = 'x-request-id';

/** `renderError`, then the route's own wire format when its config names one. */
export function renderRequestError(exception: unknown, request: FastifyRequest): WireError {
  const rendered = renderError(exception, request.id, callerRequestId(request.headers[CALLER_REQUEST_ID_HEADER]));
  const format = (request.routeOptions?.config as unknown as Record<string, unknown> | undefined)?.[ERROR_FORMAT_CONFIG];
  return typeof format === 'function' ? (format as ErrorFormat)(rendered) : rendered;
}
