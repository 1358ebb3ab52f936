import { ApiError, type ErrorDetail } from '@app/common';

/**
 * A request that is well-formed JSON but asks for something the query builder refuses (an
 * unknown field, a bad regex, too many buckets). It is an `ApiError` of kind `bad_request`,
 * so the global filter renders it as a 400 with `details` without knowing this library.
 */
export class QueryValidationError extends ApiError {
  constructor(details: ErrorDetail[]) {
    super('bad_request', 'Invalid query parameters', details);
    this.name = 'QueryValidationError';
  }
}

export type Path = (string | number)[];

export function invalid(path: Path, message: string): QueryValidationError {
  return new QueryValidationError([{ path, message }]);
}
