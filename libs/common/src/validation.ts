import { type ArgumentMetadata, type PipeTransform, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { ApiError, type ErrorDetail } from './errors';
import { findNonPgText, PG_TEXT_MESSAGE } from './pg-text';
import { MAX_PROPERTY_DEPTH, nestsDeeperThan } from './property-depth';

/** Rules about a value's type: when one fails, the rules about its content say nothing more. */
const TYPE_RULES = new Set(['isString', 'isBoolean', 'isArray', 'isInt', 'isNumber', 'isObject']);

/**
 * Flattens class-validator's error tree into `{ path, message }` entries, one per failed rule.
 * A field that is simply missing gets one `Required` entry, and a value of the wrong type
 * only its type error, instead of one entry per rule it fails.
 */
export function validationDetails(errors: ValidationError[], prefix: (string | number)[] = []): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const error of errors) {
    const key = /^\d+$/.test(error.property) ? Number(error.property) : error.property;
    const path = [...prefix, key];
    const constraints = Object.entries(error.constraints ?? {});
    const typeErrors = constraints.filter(([rule]) => TYPE_RULES.has(rule));
    const messages = (typeErrors.length > 0 ? typeErrors : constraints).map(([, message]) => message);
    if (messages.length > 0 && error.value === undefined) out.push({ path, message: 'Required' });
    else for (const message of messages) out.push({ path, message });
    if (error.children?.length) out.push(...validationDetails(error.children, path));
  }
  return out;
}

/** The wording of OpenPanel's 400s says which part of the request was wrong. */
const WHERE: Record<ArgumentMetadata['type'], string> = {
  body: 'Invalid request body',
  query: 'Invalid query parameters',
  param: 'Invalid path parameters',
  custom: 'Invalid request',
};

/**
 * The global validation pipe: DTOs are transformed and whitelisted, and a failure is a 400
 * whose `details` name each invalid field and whose `message` names the part of the request.
 *
 * It also applies the identifier rule of pg-text.ts to every string of every DTO (keys too,
 * and what a DTO's transforms parse out of JSON parameters) and to plain string parameters:
 * /manage and /export read and write PostgreSQL with them, so U+0000 or a lone surrogate is
 * a 400 naming the field here, once for every route, rather than an error from the database.
 * Bodies no DTO describes (ingestion, capture) are left to their own rules.
 */
/** Nest's ValidationPipe with the rule it applies to a parameter made readable. */
class DtoValidation extends ValidationPipe {
  validates(metadata: ArgumentMetadata): boolean {
    return this.toValidate(metadata);
  }
}

export class ApiValidationPipe implements PipeTransform {
  private readonly dto = new DtoValidation({
    transform: true,
    whitelist: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => ApiError.badRequest('Invalid request', validationDetails(errors)),
  });

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // A custom parameter decorator (@IngestContext, @CurrentClient, …) builds its own value,
    // which nothing validates: answering it without a promise keeps ingestion routes cheap.
    if (metadata.type === 'custom') return value;
    return this.check(value, metadata);
  }

  private async check(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // class-transformer copies a body recursively, so nesting thousands of levels deep would
    // overflow the stack (a 500); no DTO of this API nests anywhere near the property rule.
    if (metadata.type === 'body' && this.dto.validates(metadata) && nestsDeeperThan(value)) {
      throw ApiError.badRequest(WHERE.body, [{ path: [], message: `nests deeper than ${MAX_PROPERTY_DEPTH} levels` }]);
    }
    let out: unknown;
    try {
      out = await this.dto.transform(value, metadata);
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'bad_request') throw ApiError.badRequest(WHERE[metadata.type], e.details);
      throw e;
    }
    const checked = metadata.metatype === String || (metadata.metatype !== undefined && this.dto.validates(metadata));
    const at = checked ? findNonPgText(out) : undefined;
    if (at) {
      const path = metadata.data ? [metadata.data, ...at] : at;
      throw ApiError.badRequest(WHERE[metadata.type], [
        { path, message: `${path.length > 0 ? path.join('.') : 'value'} ${PG_TEXT_MESSAGE}` },
      ]);
    }
    return out;
  }
}
