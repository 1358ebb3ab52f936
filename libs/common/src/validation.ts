import type { ValidationError } from 'class-validator';
import type { ErrorDetail } from './errors';

/** Flattens class-validator's error tree into `{ path, message }` entries, one per failed rule. */
export function validationDetails(errors: ValidationError[], prefix: (string | number)[] = []): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const error of errors) {
    const key = /^\d+$/.test(error.property) ? Number(error.property) : error.property;
    const path = [...prefix, key];
    for (const message of Object.values(error.constraints ?? {})) out.push({ path, message });
    if (error.children?.length) out.push(...validationDetails(error.children, path));
  }
  return out;
}
