import { invalid, type Path } from './errors';
import type { ParamBag } from './params';

/**
 * How a column stores its value: decides its text view, numeric view and "empty" test.
 * `datetime` compares with instants, `array` (groups) matches when any element does.
 */
export type FieldKind = 'string' | 'number' | 'nullableNumber' | 'datetime' | 'array';

export interface ResolvedField {
  /** SQL of the value as stored; built only from whitelisted columns and placeholders. */
  sql: string;
  kind: FieldKind;
  /** True when the SQL reads the profiles join (`p.`). */
  profile: boolean;
}

/** Maps an API field name to SQL, or throws a 400 naming `path`. */
export type FieldResolver = (name: unknown, bag: ParamBag, path: Path) => ResolvedField;

/** Event columns reachable from requests, by snake_case name; camelCase aliases are derived. */
const EVENT_COLUMNS: Record<string, FieldKind> = {
  name: 'string',
  device_id: 'string',
  profile_id: 'string',
  session_id: 'string',
  path: 'string',
  origin: 'string',
  referrer: 'string',
  referrer_name: 'string',
  referrer_type: 'string',
  country: 'string',
  country_code: 'string',
  city: 'string',
  region: 'string',
  os: 'string',
  os_version: 'string',
  browser: 'string',
  browser_version: 'string',
  device: 'string',
  brand: 'string',
  model: 'string',
  sdk_name: 'string',
  sdk_version: 'string',
  revenue: 'number',
  duration: 'number',
  longitude: 'nullableNumber',
  latitude: 'nullableNumber',
  created_at: 'datetime',
  groups: 'array',
};

/** Profile columns behind `profile.<field>`; `properties` is reached as `profile.properties.<key>`. */
const PROFILE_COLUMNS: Record<string, string> = {
  id: 'p.id',
  first_name: 'p.first_name',
  last_name: 'p.last_name',
  email: 'p.email',
  avatar: 'p.avatar',
  // Bool renders as 'true'/'false', so `is` filters take the words a client would send.
  is_external: 'toString(p.is_external)',
};

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function withAliases<T>(table: Record<string, T>): Map<string, { column: string; value: T }> {
  const out = new Map<string, { column: string; value: T }>();
  for (const [column, value] of Object.entries(table)) {
    out.set(column, { column, value });
    out.set(camel(column), { column, value });
  }
  return out;
}

const EVENT_FIELDS = withAliases(EVENT_COLUMNS);
const PROFILE_FIELDS = withAliases(PROFILE_COLUMNS);

const EVENT_PROPERTY = 'properties.';
const PROFILE_PREFIX = 'profile.';
const PROFILE_PROPERTY = 'profile.properties.';

/**
 * Maps an API field name to SQL. Property keys become `{kN:String}` placeholders: keys are
 * stored flattened with dots (`__query.utm_source`), so everything after the prefix is the key,
 * dots included, and is matched case-sensitively. Anything else must be on the whitelist.
 */
export function resolveField(name: unknown, bag: ParamBag, path: Path): ResolvedField {
  if (typeof name !== 'string' || name.length === 0) throw invalid(path, 'Required');
  if (name.startsWith(PROFILE_PROPERTY)) {
    return { sql: `p.properties[${bag.key(propertyKey(name, PROFILE_PROPERTY, path))}]`, kind: 'string', profile: true };
  }
  if (name.startsWith(EVENT_PROPERTY)) {
    return { sql: `e.properties[${bag.key(propertyKey(name, EVENT_PROPERTY, path))}]`, kind: 'string', profile: false };
  }
  if (name.startsWith(PROFILE_PREFIX)) {
    const field = PROFILE_FIELDS.get(name.slice(PROFILE_PREFIX.length));
    if (!field) throw invalid(path, `Unknown field ${JSON.stringify(name)}`);
    return { sql: field.value, kind: 'string', profile: true };
  }
  if (name === 'id') return { sql: 'toString(e.id)', kind: 'string', profile: false };
  const field = EVENT_FIELDS.get(name);
  if (!field) throw invalid(path, `Unknown field ${JSON.stringify(name)}`);
  return { sql: `e.${field.column}`, kind: field.value, profile: false };
}

function propertyKey(name: string, prefix: string, path: Path): string {
  const key = name.slice(prefix.length);
  if (key.length === 0) throw invalid(path, 'Property key is empty');
  return key;
}

/**
 * The field as text: what string operators and breakdown labels see. An instant reads as the
 * listing prints it (ISO, UTC); groups as their sorted, comma-joined ids.
 */
export function textOf(field: ResolvedField): string {
  switch (field.kind) {
    case 'string':
      return field.sql;
    case 'number':
      return `toString(${field.sql})`;
    case 'nullableNumber':
      return `ifNull(toString(${field.sql}), '')`;
    case 'datetime':
      return `concat(replaceOne(toString(${field.sql}), ' ', 'T'), 'Z')`;
    case 'array':
      return `arrayStringConcat(arraySort(${field.sql}), ',')`;
  }
}

/** The field as Nullable(Float64): NULL when the text is not a number, so comparisons skip it. */
export function numberOf(field: ResolvedField): string {
  switch (field.kind) {
    case 'string':
      return `toFloat64OrNull(${field.sql})`;
    case 'datetime':
      return `toFloat64(toUnixTimestamp64Milli(${field.sql}))`;
    case 'array':
      return `toFloat64OrNull(${textOf(field)})`;
    default:
      return `toFloat64(${field.sql})`;
  }
}

/** "Null or empty": a missing map key reads as '', a missing number as 0 or NULL. */
export function emptyTest(field: ResolvedField): string {
  switch (field.kind) {
    case 'string':
      return `${field.sql} = ''`;
    case 'number':
      return `${field.sql} = 0`;
    case 'nullableNumber':
      return `isNull(${field.sql})`;
    case 'datetime':
      // Every event has a time.
      return '0';
    case 'array':
      return `empty(${field.sql})`;
  }
}

/** Names accepted by `resolveField` besides the `properties.` and `profile.properties.` prefixes. */
export function knownFieldNames(): string[] {
  return ['id', ...EVENT_FIELDS.keys(), ...[...PROFILE_FIELDS.keys()].map((k) => `${PROFILE_PREFIX}${k}`)];
}
