import type { ErrorDetail } from '@app/common';
import { QueryValidationError } from '../src/errors';

/** The details of the QueryValidationError `fn` throws; fails the test if it throws nothing. */
export function invalidDetails(fn: () => unknown): ErrorDetail[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof QueryValidationError) return e.details ?? [];
    throw e;
  }
  throw new Error('expected a validation error');
}

export function invalidPath(fn: () => unknown): ErrorDetail['path'] | undefined {
  return invalidDetails(fn)[0]?.path;
}
