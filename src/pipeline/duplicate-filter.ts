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
    this.entries = new LRUCache<string, Promise<void>>({
      max,
      ttl: Math.max(1, ttlMs),
      ttlResolution: Math.min(1000, Math.max(1, ttlMs / 10)),
    });
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

/** An enriched event ready for the writer. */
export interface PreparedEvent<Row> {
  /** Its place in the call's events (and outcomes). */
  index: number;
  row: Row;
  /** Set when the client named the event (uuid, idempotency key, `__id`). */
  key?: string;
}

/** Ids accepted by every API node (RedisIdempotency): what DuplicateFilter asks besides its own cache. */
export interface SharedIds {
  /** Claims the ids for this node's write; undefined when the store did not answer (decide alone). */
  claim(keys: readonly string[]): Promise<('mine' | 'stored' | 'pending')[] | undefined>;
  settle(keys: readonly string[], stored: boolean): Promise<void>;
  state(key: string): Promise<'stored' | 'pending' | 'free' | undefined>;
}

/** How often a retry polls an id another node is writing, and for how long at most. */
const REMOTE_POLL_MS = 25;
const REMOTE_WAIT_MS = 15_000;

/**
 * Writes a call's prepared events so that none is stored twice: rows with an id seen before
 * (or twice in this call) wait for the write that carries that id instead of being written
 * again, and become duplicates once it succeeds; everything else goes in one durable write.
 * With `shared` (several API nodes), ids this node has not seen are claimed there first: one
 * another node stored is a duplicate, one it is writing waits for that write the same way.
 */
export class DuplicateFilter<Row> {
  constructor(
    private readonly ids: IdempotencyCache,
    private readonly writeRows: (rows: Row[]) => Promise<void>,
    private readonly shared?: SharedIds,
  ) {}

  /**
   * Resolves once every row is durable (or known stored); `markDuplicate(index)` is called for
   * each retry of an earlier write that succeeded. Empties `prepared`.
   */
  async write(prepared: PreparedEvent<Row>[], markDuplicate: (index: number) => void): Promise<void> {
    let fresh: PreparedEvent<Row>[] = [];
    let freshKeys: string[] = [];
    const repeats: { p: PreparedEvent<Row>; earlier?: Promise<void> }[] = [];
    const inCall = new Set<string>();
    for (const p of prepared) {
      if (!p.key) {
        fresh.push(p);
        continue;
      }
      const earlier = this.ids.lookup(p.key);
      if (earlier || inCall.has(p.key)) {
        repeats.push({ p, earlier });
        continue;
      }
      inCall.add(p.key);
      fresh.push(p);
      freshKeys.push(p.key);
    }
    const elsewhere: { p: PreparedEvent<Row>; claim: 'stored' | 'pending' }[] = [];
    const claims = this.shared && freshKeys.length > 0 ? await this.shared.claim(freshKeys) : undefined;
    if (claims) {
      const claimOf = new Map(freshKeys.map((k, i) => [k, claims[i]]));
      const mine: PreparedEvent<Row>[] = [];
      for (const p of fresh) {
        const claim = p.key ? claimOf.get(p.key) : 'mine';
        if (claim === 'stored' || claim === 'pending') elsewhere.push({ p, claim });
        else mine.push(p);
      }
      fresh = mine;
      freshKeys = freshKeys.filter((k) => claimOf.get(k) === 'mine');
    }
    const write = fresh.length > 0 ? this.writeRows(fresh.map((p) => p.row)) : Promise.resolve();
    this.ids.remember(freshKeys, write);
    if (claims) this.settleShared(freshKeys, write);
    // The rows are serialised now: let them go while the request waits for the durable write
    // (hundreds of requests wait at once, and what they hold is what each scavenge copies).
    prepared.length = 0;
    fresh.length = 0;
    const settled = await Promise.allSettled([
      write,
      ...repeats.map((r) => this.settleRepeat(r.p, r.earlier ?? write, markDuplicate)),
      ...elsewhere.map((e) => this.settleElsewhere(e.p, e.claim, markDuplicate)),
    ]);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** A repeated id: a duplicate once the earlier write succeeds; written anew if it failed. */
  private async settleRepeat(p: PreparedEvent<Row>, earlier: Promise<void>, markDuplicate: (index: number) => void): Promise<void> {
    const key = p.key!;
    try {
      await earlier;
    } catch {
      const again = this.ids.lookup(key);
      if (again && again !== earlier) return this.settleRepeat(p, again, markDuplicate);
      await this.writeOne(p, key);
      return;
    }
    markDuplicate(p.index);
  }

  /**
   * An id another node stored (a duplicate) or is writing: waited for until that node marks it
   * stored (a duplicate) or releases it after a failed write (then claimed and written here).
   * When the store stops answering, the row is written here: a rare double is better than a
   * lost event.
   */
  private async settleElsewhere(p: PreparedEvent<Row>, claim: 'stored' | 'pending', markDuplicate: (index: number) => void): Promise<void> {
    const key = p.key!;
    const until = Date.now() + REMOTE_WAIT_MS;
    let state: 'stored' | 'pending' | 'free' | undefined = claim;
    while (state === 'pending' && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, REMOTE_POLL_MS));
      state = await this.shared!.state(key);
      if (state === 'free') {
        const [again] = (await this.shared!.claim([key])) ?? [undefined];
        state = again === 'mine' || again === undefined ? 'free' : again;
      }
    }
    if (state === 'stored') {
      markDuplicate(p.index);
      return;
    }
    // Free and claimed by this node, the store silent, or the other write never settled.
    const write = this.writeOne(p, key);
    if (state === 'free') this.settleShared([key], write);
    await write;
  }

  private writeOne(p: PreparedEvent<Row>, key: string): Promise<void> {
    const write = this.writeRows([p.row]);
    this.ids.remember([key], write);
    return write;
  }

  /** Tells the other nodes how this node's write of `keys` ended. */
  private settleShared(keys: string[], write: Promise<void>): void {
    if (keys.length === 0) return;
    write.then(
      () => this.shared!.settle(keys, true),
      () => this.shared!.settle(keys, false),
    );
  }
}
