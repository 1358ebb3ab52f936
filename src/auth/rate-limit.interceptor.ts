import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, type Observable, switchMap } from 'rxjs';
import { ApiError } from '@app/common';
import { APP_CONFIG, type AppConfig, type RateLimitName } from '../config';
import { RATE_LIMIT_KEY } from './rate-limit.decorator';
import { RateLimitStore } from './rate-limit.store';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

/**
 * Rate limiting runs as an interceptor, after the guard, so it always sees the client the
 * guard identified: the budget is per client id (per IP for routes without a client).
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly store: RateLimitStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const name = this.reflector.getAllAndOverride<RateLimitName | undefined>(RATE_LIMIT_KEY, [context.getHandler(), context.getClass()]);
    if (!name) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { limit, windowMs } = this.config.rateLimits[name];
    const key = `${name}:${request.auth?.client.id ?? `ip:${request.ip}`}`;
    // In-process counters answer at once: no promise and no extra observable per request.
    const now = this.store.hitNow(key, limit, windowMs, name);
    if (now) {
      this.apply(now, limit, windowMs, reply);
      return next.handle();
    }
    return from(this.store.hit(key, limit, windowMs, name)).pipe(
      switchMap((record) => {
        if (record) this.apply(record, limit, windowMs, reply);
        return next.handle();
      }),
    );
  }

  private apply(record: ThrottlerStorageRecord, limit: number, windowMs: number, reply: FastifyReply): void {
    const reset = Math.max(0, record.isBlocked ? record.timeToBlockExpire : record.timeToExpire);
    reply.header('X-RateLimit-Limit', String(limit));
    reply.header('X-RateLimit-Remaining', String(Math.max(0, limit - record.totalHits)));
    reply.header('X-RateLimit-Reset', String(reset));
    if (record.isBlocked) {
      throw new ApiError('rate_limited', `Rate limit exceeded: ${limit} requests per ${windowMs / 1000} s`, undefined, {
        'Retry-After': String(Math.max(1, reset)),
      });
    }
  }
}
