import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '@app/common';
import type { RateLimitName } from '../config';

export const RATE_LIMIT_KEY = 'rate-limit:name';

const HEADERS = {
  'X-RateLimit-Limit': { description: 'Requests allowed in the window', schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { description: 'Requests left in the window', schema: { type: 'integer' } },
  'X-RateLimit-Reset': { description: 'Seconds until the window resets', schema: { type: 'integer' } },
} as const;

/** Puts a controller's routes under a named limit (per client id, else per IP). */
export function RateLimit(name: RateLimitName) {
  return applyDecorators(
    SetMetadata(RATE_LIMIT_KEY, name),
    ApiResponse({
      status: 429,
      description: 'Too many requests for this client; retry after `Retry-After` seconds',
      type: ErrorResponseDto,
      headers: { ...HEADERS, 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
    }),
  );
}

