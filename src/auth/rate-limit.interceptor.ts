import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { APP_CONFIG, type AppConfig, type RateLimitName } from '../config';
import { applyRateLimit, RateLimitStore } from './rate-limit.store';

/** Metadata key of a controller's named limit (@RateLimit). */
export const RATE_LIMIT_KEY = 'rate-limit:name';

/**
 * The named limits of Export and Manage (and of the modules to come), on the storage of
 * `@nestjs/throttler` (Redis when REDIS_URL is set). Interceptors run after the guards, so
 * the budget is keyed by the client ClientAuthGuard identified (by IP for routes without
 * one), and before the pipes, so a refused request is not even validated.
 *
 * It is attached per controller by @RateLimit, not globally: a global interceptor wraps every
 * handler in an rxjs chain, a measurable share of /track (bench/README), and ingestion carries no
 * request budget by default (its opt-in one is IngestRateLimiter, checked by the guard).
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  /** The limit each handler declares, read once per handler rather than per request. */
  private readonly names = new WeakMap<object, RateLimitName | null>();

  constructor(
    private readonly reflector: Reflector,
    private readonly store: RateLimitStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> | Promise<Observable<unknown>> {
    const name = this.limitOf(context);
    if (!name) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const limit = this.config.rateLimits[name];
    const key = `${name}:${request.auth?.client.id ?? `ip:${request.ip}`}`;
    // In-process counters answer at once: no promise per request.
    const now = this.store.hitNow(key, limit.limit, limit.windowMs, name);
    if (now) {
      applyRateLimit(now, limit, reply);
      return next.handle();
    }
    return this.store.hit(key, limit.limit, limit.windowMs, name).then((record) => {
      if (record) applyRateLimit(record, limit, reply);
      return next.handle();
    });
  }

  private limitOf(context: ExecutionContext): RateLimitName | undefined {
    const handler = context.getHandler();
    let name = this.names.get(handler);
    if (name === undefined) {
      name = this.reflector.getAllAndOverride<RateLimitName | undefined>(RATE_LIMIT_KEY, [handler, context.getClass()]) ?? null;
      this.names.set(handler, name);
    }
    return name ?? undefined;
  }
}
