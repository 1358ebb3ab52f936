import { ApiError } from '@app/common';
import type { RateLimit } from '../config';
import { WindowCounterStorage } from './window-counter.storage';

const NAME = 'auth-failures';

/**
 * Failed authentications, counted per client id (wrong secrets) and per caller address
 * (unknown ids, bodies that hide their key), so that guessing
 * costs the caller and not the node: each wrong secret of a known client is a scrypt run on
 * libuv's small thread pool, which the write-ahead log's fsyncs need too, and each unknown id
 * is a PostgreSQL query. Once a key is over its budget, the next try that would hash or query
 * is answered 429 before any of that work.
 *
 * A try is counted when it starts, not when it fails, so a burst of 50 concurrent guesses
 * starts at most `limit` hashes; a try that succeeds gives its count back. Secrets verified
 * before are answered from the cache without a try (a sender whose secret works is never
 * refused here), and requests without a secret cost nothing and are not counted.
 *
 * The counters are per node: what they protect, the node's thread pool and its database
 * connection, is per node too.
 */
export class AuthFailureLimiter {
  private readonly counters = new WindowCounterStorage();

  constructor(private readonly limit: RateLimit) {}

  /**
   * Counts a try against every key and returns the function that gives it back on success;
   * throws 429 without counting when a key is already at its budget.
   */
  begin(keys: readonly string[]): () => void {
    this.check(keys);
    this.record(keys);
    return () => {
      for (const key of keys) this.counters.refund(key, NAME);
    };
  }

  /** Throws 429 when a key is at its budget. */
  check(keys: readonly string[]): void {
    for (const key of keys) {
      const seen = this.counters.peekNow(key, NAME);
      if (seen.totalHits >= this.limit.limit) {
        throw new ApiError('rate_limited', 'Too many failed authentications, retry later', undefined, {
          'Retry-After': String(Math.max(1, seen.timeToExpire)),
        });
      }
    }
  }

  /** Counts a failure against every key. */
  record(keys: readonly string[]): void {
    for (const key of keys) this.counters.incrementNow(key, this.limit.windowMs, this.limit.limit, NAME);
  }
}
