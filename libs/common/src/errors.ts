/** A problem with one field of a request: `path` walks from the root of the input. */
export interface ErrorDetail {
  path: (string | number)[];
  message: string;
}

/**
 * The kinds of failure domain code may report. The exception filter maps each one to a
 * status with an exhaustive switch, so adding a kind without deciding its status fails to compile.
 */
export type ApiErrorKind =
  'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'payload_too_large' | 'rate_limited' | 'unavailable';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly details?: ErrorDetail[],
    /** Headers the answer must carry, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static badRequest(message: string, details?: ErrorDetail[]): ApiError {
    return new ApiError('bad_request', message, details);
  }
  static unauthorized(message: string): ApiError {
    return new ApiError('unauthorized', message);
  }
  static forbidden(message: string): ApiError {
    return new ApiError('forbidden', message);
  }
  static notFound(message: string): ApiError {
    return new ApiError('not_found', message);
  }
}

export function statusOf(kind: ApiErrorKind): number {
  switch (kind) {
    case 'bad_request':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'rate_limited':
      return 429;
    case 'unavailable':
      return 503;
    default: {
      const unreachable: never = kind;
      throw new Error(`unmapped error kind ${String(unreachable)}`);
    }
  }
}
