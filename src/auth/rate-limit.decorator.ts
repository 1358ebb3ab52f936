import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import type { RateLimitName } from '../config';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { RATE_LIMIT_KEY, RateLimitInterceptor } from './rate-limit.interceptor';

export { RATE_LIMIT_KEY };

/** Puts a controller's routes under a named limit (per client id, else per IP). */
export function RateLimit(name: RateLimitName) {
  return applyDecorators(SetMetadata(RATE_LIMIT_KEY, name), UseInterceptors(RateLimitInterceptor), ApiErrors(429));
}
