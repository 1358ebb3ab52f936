import { randomUUID } from 'node:crypto';
import { RedisCache } from './redis-cache';
/**
 * How long a node's claim on an id lasts while its write is under way. A durable write takes
 * milliseconds (the log's fsync) and seconds when the writer is saturated; a node that dies
 * with a claim holds the id this long at most, then another node may write the event.
 */
export const CLAIM_TTL_MS = 15_000;

/** What another node's record of an id says. */
export type IdClaim = 'mine' | 'stored' | 'pending';

/**
 * Each key: SET NX a claim naming this node for CLAIM_TTL_MS; if the key exists, `d` (stored) or
 * a claim (pending). ARGV: node, claim ttl ms; KEYS: the ids. Answers m / d / p per key.
 */
const CLAIM_SCRIPT = `
local out = {}
for i, k in ipairs(KEYS) do
  if redis.call('SET', k, 'p:' .. ARGV[1], 'NX', 'PX', ARGV[2]) then
    out[i] = 'm'
  elseif redis.call('GET', k) == 'd' then
    out[i] = 'd'
  else
    out[i] = 'p'
  end
end
return out
`;

/** The ids this node claimed, as stored (ARGV[2] = 'd', for ARGV[3] ms) or released (ARGV[2] = ''). */
const SETTLE_SCRIPT = `
for _, k in ipairs(KEYS) do
  if ARGV[2] == 'd' then
    redis.call('SET', k, 'd', 'PX', ARGV[3])
  elseif redis.call('GET', k) == 'p:' .. ARGV[1] then
    redis.call('DEL', k)
  end
end
return 1
`;

/** The state of one id: d, p (claimed), or n (none). */
const STATE_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if not v then return 'n' end
if v == 'd' then return 'd' end
return 'p'
`;

interface IdCommands {
  claimIds(keyCount: number, ...args: string[]): Promise<string[]>;
  settleIds(keyCount: number, ...args: string[]): Promise<number>;
  idState(keyCount: number, key: string): Promise<string>;
}

/**
 * Event ids accepted by any API node (REDIS_URL), beside each node's own IdempotencyCache: a
 * retry that reaches another node than its first attempt is recognised there. A node claims
 * the ids of a write before it writes (one script call per ingestion call), marks them stored
 * once the write is durable, and releases them when it failed, so a retry after a failure is
 * written, as on one node. When Redis is down or slow, a call is decided by the node alone
 * (fail open: ingestion never waits on a cache, and the ids are still in ClickHouse).
 */
export class RedisIdempotency {
  private readonly cache: RedisCache<IdCommands>;
  private readonly node = randomUUID();

  constructor(
    url: string,
    private readonly ttlMs: number,
  ) {
    this.cache = new RedisCache<IdCommands>(
      url,
      { claimIds: { lua: CLAIM_SCRIPT }, settleIds: { lua: SETTLE_SCRIPT }, idState: { lua: STATE_SCRIPT } },
      'Idempotency',
      'retries recognised by this node alone',
    );
  }

  /** Claims `keys` for a write of this node; undefined when Redis did not answer (decide alone). */
  async claim(keys: readonly string[]): Promise<IdClaim[] | undefined> {
    if (keys.length === 0) return [];
    const answers = await this.cache.attempt((r) => r.claimIds(keys.length, ...keys.map(redisKey), this.node, String(CLAIM_TTL_MS)));
    return answers?.map((a) => (a === 'm' ? 'mine' : a === 'd' ? 'stored' : 'pending'));
  }

  /** The ids' write succeeded (`stored`) or failed: other nodes then see them stored, or free. */
  async settle(keys: readonly string[], stored: boolean): Promise<void> {
    // A claim left behind when Redis does not answer lapses after CLAIM_TTL_MS.
    if (keys.length === 0) return;
    await this.cache.attempt((r) => r.settleIds(keys.length, ...keys.map(redisKey), this.node, stored ? 'd' : '', String(this.ttlMs)));
  }

  /** Where an id claimed by another node stands now; undefined when Redis did not answer. */
  async state(key: string): Promise<'stored' | 'pending' | 'free' | undefined> {
    const s = await this.cache.attempt((r) => r.idState(1, redisKey(key)));
    return s === undefined ? undefined : s === 'd' ? 'stored' : s === 'p' ? 'pending' : 'free';
  }

  ready(ms?: number): Promise<void> {
    return this.cache.ready(ms);
  }

  close(): Promise<void> {
    return this.cache.close();
  }
}

/** `<project>:<event id>` → the Redis key. */
function redisKey(key: string): string {
  return `op:id:${key}`;
}
