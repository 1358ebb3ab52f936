import type { FastifyReply } from 'fastify';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type { IngestRateLimit } from '../config';
import { applyRateLimit, type RateLimitStore } from './rate-limit.store';

const NAME = 'track';

/**
 * The opt-in budget of the ingestion routes (TRACK_RATE_LIMIT), checked by the guard right
 * after it identified the client, so a capture body over budget is refused before it is
 * inflated or parsed. It runs in the guard rather than as an interceptor because the
 * interceptor cost /track throughput even when no budget is set (bench/README.md).
 */
export class IngestRateLimiter {
  constructor(
    private readonly limit: IngestRateLimit,
    private readonly store: RateLimitStore,
  ) {}

  /** Counts the request; throws 429 when a counter is over. `ip`: the sender's address. */
  check(clientId: string, ip: string, reply: FastifyReply): void | Promise<void> {
    const { by } = this.limit;
    const keys = by === 'both' ? [`client:${clientId}`, `ip:${ip}`] : [by === 'client' ? `client:${clientId}` : `ip:${ip}`];
    const now = keys.map((k) => this.store.hitNow(k, this.limit.limit, this.limit.windowMs, NAME));
    if (now.every((r): r is ThrottlerStorageRecord => r !== undefined)) return this.apply(now, reply);
    return Promise.all(keys.map((k) => this.store.hit(k, this.limit.limit, this.limit.windowMs, NAME))).then((records) => {
      // A store outage (undefined) fails open, as for every limit.
      const known = records.filter((r): r is ThrottlerStorageRecord => r !== undefined);
      if (known.length > 0) this.apply(known, reply);
    });
  }

  /** The headers of the tighter counter; a refusal when either is over. */
  private apply(records: ThrottlerStorageRecord[], reply: FastifyReply): void {
    const tightest = records.reduce((a, b) => (b.isBlocked || (!a.isBlocked && b.totalHits > a.totalHits) ? b : a));
    applyRateLimit(tightest, this.limit, reply);
  }
}
