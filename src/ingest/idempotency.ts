import { LRUCache } from 'lru-cache';

/**
 * Event ids recently accepted (client uuids, `idempotency-key`, `__id`), each mapped to the
 * write that carries it. A retry of an id waits for that write: if it succeeded the retry is a
 * duplicate; if it failed, the retry writes the event itself, so a retry is never answered
 * "already stored" for an event that was lost.
 *
 * Process-local and bounded: it recognises retries that reach the same node within the TTL
 * (the usual case: SDK retries within seconds). Across nodes or a restart the ids are still
 * the same in ClickHouse, so a duplicate there can be found and removed by id.
 */
export class IdempotencyCache {
  private readonly entries: LRUCache<string, Promise<void>>;

  constructor(ttlMs: number, max = 1_000_000) {
    // Ages are read to the second (the window is minutes long): a clock read per lookup less.
    this.entries = new LRUCache<string, Promise<void>>({ max, ttl: Math.max(1, ttlMs), ttlResolution: Math.min(1000, Math.max(1, ttlMs / 10)) });
  }

  /** The write that carries `key`, if one was made (or is under way) within the TTL. */
  lookup(key: string): Promise<void> | undefined {
    return this.entries.get(key);
  }

  /** Records that `write` carries `keys`; a failed write forgets them again. */
  remember(keys: string[], write: Promise<void>): void {
    for (const key of keys) this.entries.set(key, write);
    write.catch(() => {
      for (const key of keys) if (this.entries.get(key) === write) this.entries.delete(key);
    });
  }
}
