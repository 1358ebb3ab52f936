import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { withTimeout } from '@app/common';

/** A Redis call slower than this is treated as an outage, as the rate limits do. */
export const REDIS_TIMEOUT_MS = 250;

/**
 * The connection of state that ingestion shares through Redis and never waits on: no offline
 * queue and no retries (a call fails at once while Redis is away), each call bounded by
 * REDIS_TIMEOUT_MS, and a warning about the outage at most once a minute (`outage` says what
 * the node does meanwhile).
 */
export class RedisCache<Commands extends object> {
  readonly redis: Redis & Commands;
  private readonly logger: Logger;
  private lastWarning = 0;

  constructor(
    url: string,
    scripts: Record<keyof Commands & string, { lua: string; numberOfKeys?: number }>,
    name: string,
    private readonly outage: string,
  ) {
    this.logger = new Logger(name);
    const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1000 });
    for (const [command, script] of Object.entries(scripts) as [string, { lua: string; numberOfKeys?: number }][]) {
      redis.defineCommand(command, script);
    }
    redis.on('error', (e: Error) => this.warn(e));
    this.redis = redis as Redis & Commands;
  }

  /** `call`'s answer, or undefined (after a warning) when Redis failed or took too long. */
  async attempt<T>(call: (redis: Redis & Commands) => Promise<T>): Promise<T | undefined> {
    try {
      return await withTimeout(call(this.redis), REDIS_TIMEOUT_MS, 'Redis timed out');
    } catch (e) {
      this.warn(e as Error);
      return undefined;
    }
  }

  /** Resolves once connected, or after `ms` (the first calls then fail over). */
  async ready(ms = 1000): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      this.redis.once('ready', done);
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private warn(e: Error): void {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.logger.warn(`Redis unavailable, ${this.outage}: ${e.message}`);
  }
}
