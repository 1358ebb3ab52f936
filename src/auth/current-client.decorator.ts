import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from './auth.types';

/**
 * What the guard left on a request it admitted: the client, whether it proved its secret,
 * and the address its events are attributed to. Only on routes that are not `@Public()`.
 */
export function authOf(request: FastifyRequest): AuthContext {
  const auth = request.auth;
  if (!auth) throw new Error(`${request.routeOptions.url ?? 'this route'} reads the client of a request the guard did not authenticate`);
  return auth;
}

/** The authenticated client of the request, as a handler parameter (`@CurrentClient() auth: AuthContext`). */
export const CurrentClient = createParamDecorator((_: unknown, context: ExecutionContext): AuthContext =>
  authOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
