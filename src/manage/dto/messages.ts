import type { ValidationArguments, ValidationOptions } from 'class-validator';

/*
 * Validation messages in the words of OpenPanel's Manage API (its seed shows
 * `String must contain at least 1 character(s)`), so clients written against it read the
 * same `details`. Passed as the options of class-validator's own decorators, which the
 * Swagger plugin still reads for `minLength`, `format` and the like.
 */

export function received(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export const EXPECTED_STRING: ValidationOptions = { message: (a: ValidationArguments) => `Expected string, received ${received(a.value)}` };
export const EXPECTED_BOOLEAN: ValidationOptions = {
  message: (a: ValidationArguments) => `Expected boolean, received ${received(a.value)}`,
};
export const TOO_SHORT: ValidationOptions = {
  message: (a: ValidationArguments) => `String must contain at least ${a.constraints[0]} character(s)`,
};
export const TOO_LONG: ValidationOptions = {
  message: (a: ValidationArguments) => `String must contain at most ${a.constraints[0]} character(s)`,
};
export const INVALID_UUID: ValidationOptions = { message: 'Invalid uuid' };
export const INVALID_DATETIME: ValidationOptions = { message: 'Invalid datetime' };
