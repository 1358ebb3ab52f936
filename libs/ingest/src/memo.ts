import { LRUCache } from 'lru-cache';

export interface MemoOptions {
  /** Distinct inputs remembered; the least recently used are forgotten first. */
  max: number;
  /** Longer inputs are computed each time, so the cache stays small whatever is sent. */
  maxKeyLength?: number;
}

/**
 * `compute` remembered per input text, for the per-event parses whose inputs repeat from
 * event to event (user agents, page URLs). Results are shared by every caller, so `compute`
 * must return values nobody mutates (frozen ones).
 */
export function memoizeText<T>(compute: (text: string) => T, options: MemoOptions): (text: string) => T {
  // Wrapped: the cache takes no null or undefined values, and "no bot" is null.
  const cache = new LRUCache<string, { value: T }>({ max: options.max });
  const maxKeyLength = options.maxKeyLength ?? Infinity;
  return (text) => {
    if (text.length > maxKeyLength) return compute(text);
    let hit = cache.get(text);
    if (!hit) {
      hit = { value: compute(text) };
      cache.set(text, hit);
    }
    return hit.value;
  };
}
