import { CONSUMED_PROPERTY_KEYS } from './special-properties';

export interface FlattenOptions {
  /** Key segments kept below the root; deeper values are dropped. */
  maxDepth?: number;
  /** Entries in the result; traversal stops once reached. */
  maxEntries?: number;
  /** A dotted key longer than this is dropped with its subtree (truncating could merge keys). */
  maxKeyLength?: number;
  /** Longer values are truncated. */
  maxValueLength?: number;
  /** Top-level keys left out; by default the special properties ingestion consumes. */
  omitTopLevel?: ReadonlySet<string>;
}

/**
 * The caps bound what one hostile event can cost: a `Map(String, String)` column has no
 * limits of its own, and every entry is stored once per event forever. 10 levels and 1,000
 * entries exceed any real tracking plan; 8 KiB holds a long URL or a stack trace's head.
 */
export const FLATTEN_DEFAULTS: Readonly<Required<Omit<FlattenOptions, 'omitTopLevel'>>> = Object.freeze({
  maxDepth: 10,
  maxEntries: 1000,
  maxKeyLength: 256,
  maxValueLength: 8192,
});

interface Walk {
  readonly out: Record<string, string>;
  readonly maxDepth: number;
  readonly maxEntries: number;
  readonly maxKeyLength: number;
  readonly maxValueLength: number;
  count: number;
}

function scalar(value: unknown, maxLength: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return value === '' ? undefined : value.length > maxLength ? value.slice(0, maxLength) : value;
    case 'number':
      return Number.isFinite(value) ? String(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    default:
      return undefined;
  }
}

function walk(state: Walk, key: string, value: unknown, depth: number): void {
  if (state.count >= state.maxEntries || value === null || value === undefined) return;
  if (typeof value === 'object') {
    if (value instanceof Date) {
      if (!Number.isNaN(value.getTime())) add(state, key, value.toISOString());
      return;
    }
    if (depth >= state.maxDepth) return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && state.count < state.maxEntries; i++) {
        walk(state, `${key}.${i}`, value[i], depth + 1);
      }
      return;
    }
    for (const child of Object.keys(value)) {
      if (state.count >= state.maxEntries) return;
      // '' would produce `a.` and '__proto__' cannot be assigned as a plain key.
      if (child === '' || child === '__proto__') continue;
      const next = `${key}.${child}`;
      if (next.length > state.maxKeyLength) continue;
      walk(state, next, (value as Record<string, unknown>)[child], depth + 1);
    }
    return;
  }
  const text = scalar(value, state.maxValueLength);
  if (text !== undefined) add(state, key, text);
}

function add(state: Walk, key: string, value: string): void {
  if (!Object.hasOwn(state.out, key)) state.count++;
  state.out[key] = value;
}

/**
 * Flattens nested properties into the string-to-string map the `events.properties` column
 * holds: `{ a: { b: 1 }, arr: ['x'] }` becomes `{ 'a.b': '1', 'arr.0': 'x' }`.
 * Null, undefined, '' and non-finite numbers are dropped; booleans become 'true'/'false';
 * Dates become ISO strings. Never throws, whatever the input.
 */
export function flattenProperties(input: unknown, options: FlattenOptions = {}): Record<string, string> {
  const out: Record<string, string> = {};
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return out;
  const state: Walk = {
    out,
    maxDepth: options.maxDepth ?? FLATTEN_DEFAULTS.maxDepth,
    maxEntries: options.maxEntries ?? FLATTEN_DEFAULTS.maxEntries,
    maxKeyLength: options.maxKeyLength ?? FLATTEN_DEFAULTS.maxKeyLength,
    maxValueLength: options.maxValueLength ?? FLATTEN_DEFAULTS.maxValueLength,
    count: 0,
  };
  const omit = options.omitTopLevel ?? CONSUMED_PROPERTY_KEYS;
  for (const key of Object.keys(input)) {
    if (state.count >= state.maxEntries) break;
    if (key === '' || key === '__proto__' || key.length > state.maxKeyLength || omit.has(key)) continue;
    walk(state, key, (input as Record<string, unknown>)[key], 1);
  }
  return out;
}
