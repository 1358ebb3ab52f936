import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '@app/common';
import { APP_CONFIG, type AppConfig } from '../config';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * With METRICS_TOKEN set, GET /metrics needs `Authorization: Bearer <token>`. Both sides are
 * hashed first, so the comparison takes the same time whatever the length or content sent.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.metricsToken) this.expected = digest(config.metricsToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match || !timingSafeEqual(digest(match[1]), this.expected))
      throw ApiError.unauthorized('Metrics: a valid bearer token is required');
    return true;
  }
}
