import { wellFormedJson } from './json-text';

/**
 * Text bound for PostgreSQL. `text`, `varchar` and `jsonb` refuse U+0000, and `jsonb` also
 * refuses a lone surrogate (JSON.stringify writes it as `\ud800`, which PostgreSQL will not
 * decode): sent as they are, both are an error from the database, that is a 500. The rule:
 *
 * 1. a string that identifies something (profile id, alias, group id and type, project id,
 *    a name that is looked up, every field of /manage and /export) must not hold either:
 *    the request (or the ingested item) is refused, naming the field (`isPgText`);
 * 2. free text of profiles and groups (names, email, avatar, properties and traits, keys and
 *    values) is stored without U+0000 and with each lone surrogate replaced by U+FFFD
 *    (`toPgText`, `pgJson`);
 * 3. events go to ClickHouse, which stores any bytes: they keep theirs, and what looks them
 *    up in PostgreSQL skips the names rule 1 keeps out of it.
 */

// String.prototype.isWellFormed / toWellFormed are in Node 20 (ES2024); the project's lib is ES2023.
declare global {
  interface String {
    isWellFormed(): boolean;
    toWellFormed(): string;
  }
}

/** The detail message of a refused identifier. */
export const PG_TEXT_MESSAGE = 'must not contain U+0000 or a lone surrogate';

/** True when PostgreSQL stores `s` as it is (no U+0000, no lone surrogate). */
export function isPgText(s: string): boolean {
  return !s.includes('\u0000') && s.isWellFormed();
}

/** `s` without U+0000 and with lone surrogates as U+FFFD; `s` itself when already clean. */
export function toPgText(s: string): string {
  if (isPgText(s)) return s;
  return s.replaceAll('\u0000', '').toWellFormed();
}

/**
 * Whether `s` is longer than a `varchar(max)` holds. PostgreSQL counts characters (code
 * points) where `length` counts UTF-16 units, so 255 emoji fit a `varchar(255)`; the count
 * is only made when `length` alone cannot decide.
 */
export function longerThan(s: string, max: number): boolean {
  if (s.length <= max) return false;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    if (++n > max) return true;
  }
  return false;
}

/**
 * JSON text for a `jsonb` parameter, with the rule for free text applied to every key and
 * string value: U+0000 removed, lone surrogates as U+FFFD. The caller bounds the nesting
 * (JSON.stringify recurses).
 */
export function pgJson(value: unknown): string {
  return wellFormedJson(JSON.stringify(value) ?? 'null', true);
}

interface Visit {
  value: object;
  key: string | number;
  parent?: Visit;
}

function pathOf(visit: Visit | undefined, last: string | number): (string | number)[] {
  const path = [last];
  for (let v = visit; v?.parent; v = v.parent) path.push(v.key);
  return path.reverse();
}

/** Where the first string (or key) PostgreSQL cannot store sits in `value`, or undefined. */
export function findNonPgText(value: unknown): (string | number)[] | undefined {
  if (typeof value === 'string') return isPgText(value) ? undefined : [];
  if (value === null || typeof value !== 'object') return undefined;
  // Iterative, with each node pointing at its parent: linear in the input however deep it is;
  // the path is only built for the string that is found.
  const stack: Visit[] = [{ value, key: '' }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const node = visit.value;
    const isArray = Array.isArray(node);
    for (const name of Object.keys(node)) {
      const key = isArray ? Number(name) : name;
      if (!isArray && !isPgText(name)) return pathOf(visit, key);
      const child = (node as Record<string, unknown>)[name];
      if (typeof child === 'string') {
        if (!isPgText(child)) return pathOf(visit, key);
      } else if (child !== null && typeof child === 'object') {
        stack.push({ value: child, key, parent: visit });
      }
    }
  }
  return undefined;
}
