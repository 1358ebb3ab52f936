import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiError, withTimeout } from '@app/common';
import type { RateLimit } from '../config';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import Redis from 'ioredis';
import { WindowCounterStorage } from './window-counter.storage';

/** A Redis call slower than this is treated as an outage. */
const REDIS_TIMEOUT_MS = 250;

/**
 * Counters behind the rate limits: fixed windows in process (WindowCounterStorage), or the Redis
 * storage when REDIS_URL is set so that several API nodes share one budget per client.
 *
 * A Redis outage fails OPEN: requests are served without a limit (and without the
 * X-RateLimit headers) rather than refused, because ingestion must keep accepting events
 * when a cache is down; a warning is logged at most once a minute.
 */
export class RateLimitStore implements OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly storage: ThrottlerStorage;
  private readonly redis?: Redis;
  private lastWarning = 0;

  constructor(redisUrl?: string) {
    if (redisUrl) {
      this.redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1000 });
      this.redis.on('error', (e: Error) => this.warn(e));
      this.storage = new ThrottlerStorageRedisService(this.redis);
    } else {
      this.storage = new WindowCounterStorage();
    }
  }

  /** The in-process counter's answer, synchronously; undefined when counters live in Redis. */
  hitNow(key: string, limit: number, windowMs: number, name: string): ThrottlerStorageRecord | undefined {
    return this.storage instanceof WindowCounterStorage ? this.storage.incrementNow(key, windowMs, limit, name) : undefined;
  }

  /** undefined = the store is unavailable (fail open). */
  async hit(key: string, limit: number, windowMs: number, name: string): Promise<ThrottlerStorageRecord | undefined> {
    try {
      const pending = this.storage.increment(key, windowMs, limit, windowMs, name);
      if (!this.redis) return await pending;
      return await withTimeout(pending, REDIS_TIMEOUT_MS, 'rate-limit store timed out');
    } catch (e) {
      this.warn(e as Error);
      return undefined;
    }
  }

  /** For /healthcheck: undefined when no Redis is configured. */
  async redisStatus(): Promise<boolean | undefined> {
    if (!this.redis) return undefined;
    try {
      return (await Promise.race([this.redis.ping(), new Promise((r) => setTimeout(() => r('timeout'), REDIS_TIMEOUT_MS * 4))])) === 'PONG';
    } catch {
      return false;
    }
  }

  private warn(e: Error): void {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.logger.warn(`rate-limit store unavailable, serving without limits: ${e.message}`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }
}

/** The X-RateLimit-* headers of a counted request, and its 429 (with Retry-After) once over. */
export function applyRateLimit(record: ThrottlerStorageRecord, limit: RateLimit, reply: FastifyReply): void {
  const reset = Math.max(0, record.isBlocked ? record.timeToBlockExpire : record.timeToExpire);
  reply.header('X-RateLimit-Limit', String(limit.limit));
  reply.header('X-RateLimit-Remaining', String(Math.max(0, limit.limit - record.totalHits)));
  reply.header('X-RateLimit-Reset', String(reset));
  if (record.isBlocked) {
    throw new ApiError('rate_limited', `Rate limit exceeded: ${limit.limit} requests per ${limit.windowMs / 1000} s`, undefined, {
      'Retry-After': String(Math.max(1, reset)),
    });
  }
}
