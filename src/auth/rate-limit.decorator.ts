import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { RateLimitName } from '../config';
import { ApiErrors } from '../openapi/api-errors.decorator';

export const RATE_LIMIT_KEY = 'rate-limit:name';

/** Puts a controller's routes under a named limit (per client id, else per IP). */
export function RateLimit(name: RateLimitName) {
  return applyDecorators(SetMetadata(RATE_LIMIT_KEY, name), ApiErrors(429));
}
