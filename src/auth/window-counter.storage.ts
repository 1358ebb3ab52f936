import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

interface Window {
  count: number;
  resetAt: number;
}

/**
 * In-process rate-limit counters: a fixed window per key (one count and one reset time).
 * `@nestjs/throttler`'s own memory storage keeps one timestamp per request and filters the
 * list on every hit, which costs O(requests in the window) per request: measurable on /track
 * at thousands of requests per second. A fixed window is O(1); its known edge (up to twice
 * the limit across a window boundary) is acceptable for abuse protection.
 */
export class WindowCounterStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private nextSweep = 0;

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    return this.incrementNow(key, ttl, limit, throttlerName);
  }

  /** The same, synchronously: the hot path needs no promise for an in-process counter. */
  incrementNow(key: string, ttl: number, limit: number, throttlerName: string): ThrottlerStorageRecord {
    const now = Date.now();
    if (now >= this.nextSweep) this.sweep(now, ttl);
    const id = `${throttlerName}\u0000${key}`;
    let w = this.windows.get(id);
    if (!w || now >= w.resetAt) {
      w = { count: 0, resetAt: now + ttl };
      this.windows.set(id, w);
    }
    w.count++;
    const timeToExpire = Math.max(1, Math.ceil((w.resetAt - now) / 1000));
    const isBlocked = w.count > limit;
    return { totalHits: w.count, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }

  /** Hits counted for `key` in its current window (0 when none), without counting one. */
  peekNow(key: string, throttlerName: string): { totalHits: number; timeToExpire: number } {
    const w = this.windows.get(`${throttlerName}\u0000${key}`);
    const now = Date.now();
    if (!w || now >= w.resetAt) return { totalHits: 0, timeToExpire: 0 };
    return { totalHits: w.count, timeToExpire: Math.max(1, Math.ceil((w.resetAt - now) / 1000)) };
  }

  /** Takes back one hit of the current window (a try that turned out fine). */
  refund(key: string, throttlerName: string): void {
    const w = this.windows.get(`${throttlerName}\u0000${key}`);
    if (w && w.count > 0 && Date.now() < w.resetAt) w.count--;
  }

  /** Drops finished windows now and then, so idle clients cost no memory. */
  private sweep(now: number, ttl: number): void {
    for (const [id, w] of this.windows) if (now >= w.resetAt) this.windows.delete(id);
    this.nextSweep = now + Math.max(1000, ttl);
  }
}
