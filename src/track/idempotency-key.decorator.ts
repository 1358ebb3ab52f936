import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { firstHeader } from '../auth';

/**
 * The `idempotency-key` header, as a handler parameter. Not `@Headers(...)`: the route
 * documents the header itself (`@ApiHeader`), optional, and Swagger would list it twice.
 */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined =>
  firstHeader(context.switchToHttp().getRequest<FastifyRequest>(), 'idempotency-key'),
);
