import { applyDecorators } from '@nestjs/common';
import { ApiResponse, type ApiResponseOptions } from '@nestjs/swagger';
import { type ErrorBody, type ErrorDetail, ErrorResponseDto, errorBody } from '@app/common';

/** The error statuses the OpenPanel-style routes can give, each rendered as ErrorResponseDto. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503;

/**
 * One status; a status with the route's own wording (`[404, 'Project not found']`, used as
 * description and example message); or each said apart, with the example's `details`.
 */
export type ErrorSpec =
  ErrorStatus | [ErrorStatus, string] | { status: ErrorStatus; description?: string; message?: string; details?: ErrorDetail[] };

const DEFAULT_MESSAGE: Record<ErrorStatus, string> = {
  400: 'Invalid request',
  401: 'Invalid client credentials',
  403: 'You do not have access to this project',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request body is too large',
  415: 'Unsupported content type',
  429: 'Rate limit exceeded: 100 requests per 10 s',
  503: 'Service unavailable, retry later',
};

const DESCRIPTION: Record<ErrorStatus, string> = {
  400: 'Invalid input: `details` lists each invalid field, its `path` walking from the root of the input',
  401: 'Missing or invalid credentials, or a client whose mode may not call this route',
  403: 'The client may not act on this project',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'Request body is too large',
  415: 'Unsupported content type',
  429: 'Too many requests for this client; retry after `Retry-After` seconds',
  503: 'Temporarily unable to serve; retry after `Retry-After` seconds',
};

const INTEGER = { type: 'integer' } as const;

/** Headers of every rate-limited answer, and of the 429 itself. */
export const RATE_LIMIT_HEADERS = {
  'X-RateLimit-Limit': { description: 'Requests allowed in the window', schema: INTEGER },
  'X-RateLimit-Remaining': { description: 'Requests left in the window', schema: INTEGER },
  'X-RateLimit-Reset': { description: 'Seconds until the window resets', schema: INTEGER },
};

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: INTEGER } };

/** Headers of a 429, also for routes that answer it in another wire format (capture). */
export const TOO_MANY_REQUESTS_HEADERS = { ...RATE_LIMIT_HEADERS, ...RETRY_AFTER };

function example(status: ErrorStatus, message: string, details?: ErrorDetail[]): ErrorBody {
  return errorBody(status, message, details ?? (status === 400 ? [{ path: ['name'], message: 'Required' }] : undefined));
}

function response(spec: ErrorSpec): ApiResponseOptions {
  const { status, description, message, details } = Array.isArray(spec)
    ? { status: spec[0], description: spec[1], message: spec[1], details: undefined }
    : typeof spec === 'object'
      ? spec
      : { status: spec, description: undefined, message: undefined, details: undefined };
  const headers = status === 429 ? TOO_MANY_REQUESTS_HEADERS : status === 503 ? RETRY_AFTER : undefined;
  return {
    status,
    description: description ?? DESCRIPTION[status],
    type: ErrorResponseDto,
    example: example(status, message ?? DEFAULT_MESSAGE[status], details),
    ...(headers ? { headers } : {}),
  };
}

/**
 * Documents the error answers of a route (or of every route of a controller) in the API's
 * error shape `{ status, error, message, details? }`, with an example per status and the
 * rate-limit headers on 429. `@ApiErrors(400, [404, 'Project not found'], 413)`.
 */
export function ApiErrors(...specs: ErrorSpec[]) {
  return applyDecorators(...specs.map((spec) => ApiResponse(response(spec))));
}
