import { toPgText } from '@app/common';
import { invalid, type Path } from '../errors';
import { COMPARE, filterValues } from '../filters';
import { parseWrittenDate, writtenInstant } from '../range';
import { CHART_LIMITS, type Filter, FILTER_OPERATORS, type FilterOperator } from '../types';

/**
 * The chart engine's filters on a profile's own fields, as a PostgreSQL predicate on the
 * profiles table (alias `p`) for a TypeORM query builder: every value and property key is a
 * named parameter, never text of the request. ClickHouse is not involved: profiles are kept
 * in PostgreSQL, so compileFilters (ClickHouse SQL) cannot be used here.
 */
export interface PgPredicate {
  sql: string;
  params: Record<string, string>;
}

type ProfileFieldKind = 'text' | 'instant';

interface PgField {
  /** SQL of the field as text, '' when absent (NULL columns, missing keys). */
  text: string;
  kind: ProfileFieldKind;
  /** For instants: the value to compare with bound instants. */
  instant?: string;
}

/** Profile columns a filter may name, by snake_case name (camelCase aliases are accepted too). */
const COLUMNS: Record<string, PgField> = {
  id: { text: 'p.id', kind: 'text' },
  first_name: { text: "COALESCE(p.first_name, '')", kind: 'text' },
  last_name: { text: "COALESCE(p.last_name, '')", kind: 'text' },
  email: { text: "COALESCE(p.email, '')", kind: 'text' },
  avatar: { text: "COALESCE(p.avatar, '')", kind: 'text' },
  // 'true'/'false', as the chart engine's `profile.is_external` reads.
  is_external: { text: 'CAST(p.is_external AS text)', kind: 'text' },
  // First seen, at the millisecond the API prints; its text is that ISO form.
  created_at: {
    text: `to_char(date_trunc('milliseconds', p.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    kind: 'instant',
    instant: "date_trunc('milliseconds', p.created_at)",
  },
};

const FIELDS = new Map<string, PgField>();
for (const [name, field] of Object.entries(COLUMNS)) {
  FIELDS.set(name, field);
  FIELDS.set(
    name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()),
    field,
  );
}

const PROPERTIES = 'properties.';
/** The chart engine's spelling (`profile.email`, `profile.properties.plan`) is accepted too. */
const PROFILE_PREFIX = 'profile.';

/** Field names a profile filter accepts besides `properties.<key>`, for documentation. */
export const PROFILE_FILTER_FIELDS: readonly string[] = [...FIELDS.keys()];

/** The operators a profile filter takes: all of the chart engine's but `regex`. */
export const PROFILE_FILTER_OPERATORS: readonly FilterOperator[] = FILTER_OPERATORS.filter((op) => op !== 'regex');

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/**
 * A property's text as a number, NULL when it is not one (so comparisons leave it out, as the
 * chart engine's toFloat64OrNull does). `numeric` cannot overflow on these: the text is short
 * and its exponent has at most three digits.
 */
const numberOf = (text: string) =>
  `(CASE WHEN char_length(${text}) <= 64 AND ${text} ~ '^\\s*[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]{1,3})?\\s*$' ` +
  `THEN CAST(${text} AS numeric) END)`;

class Params {
  readonly params: Record<string, string> = {};
  private n = 0;
  constructor(private readonly prefix: string) {}
  /**
   * A text parameter: `CAST(:name AS text)`, so PostgreSQL never has to guess its type. Text
   * PostgreSQL cannot hold (U+0000, lone surrogates) is cleaned as stored profiles were.
   */
  text(value: string): string {
    const name = `${this.prefix}${this.n++}`;
    this.params[name] = toPgText(value);
    return `CAST(:${name} AS text)`;
  }
  typed(value: string, type: 'numeric' | 'timestamptz'): string {
    const name = `${this.prefix}${this.n++}`;
    this.params[name] = value;
    return `CAST(:${name} AS ${type})`;
  }
}

function resolve(name: unknown, bag: Params, path: Path): PgField {
  if (typeof name !== 'string' || name.length === 0) throw invalid(path, 'Required');
  const bare = name.startsWith(PROFILE_PREFIX) ? name.slice(PROFILE_PREFIX.length) : name;
  if (bare.startsWith(PROPERTIES)) {
    const key = bare.slice(PROPERTIES.length);
    if (key.length === 0) throw invalid(path, 'Property key is empty');
    return { text: `COALESCE(p.properties ->> ${bag.text(key)}, '')`, kind: 'text' };
  }
  const field = FIELDS.get(bare);
  if (!field) {
    throw invalid(path, `Unknown profile field ${JSON.stringify(name)}: expected ${PROFILE_FILTER_FIELDS.join(', ')} or properties.<key>`);
  }
  return field;
}

const any = (parts: string[]) => (parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`);
const all = (parts: string[]) => (parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`);

function instantParam(v: string, bag: Params, path: Path): string {
  return bag.typed(new Date(writtenInstant(parseWrittenDate(v, path), 'UTC')).toISOString(), 'timestamptz');
}

function numberParam(v: string, bag: Params, path: Path): string {
  const n = Number(v.trim());
  if (!NUMBER.test(v.trim()) || !Number.isFinite(n)) throw invalid(path, 'Expected a number');
  return bag.typed(String(n), 'numeric');
}

/**
 * One filter, by the chart engine's rules: several values mean any of them (`isNot`,
 * `doesNotContain`: none of them), a value operator without values filters nothing (null),
 * `isNull` holds for a missing or empty value, substrings are case-sensitive and `%`/`_` are
 * plain characters, comparisons take numbers (texts that are not numbers are left out) or, on
 * `createdAt`, instants (a date alone is UTC midnight).
 */
function compileOne(filter: Filter, bag: Params, path: Path): string | null {
  if (typeof filter !== 'object' || filter === null) throw invalid(path, 'Expected an object');
  const op: unknown = filter.operator;
  if (typeof op !== 'string' || !(FILTER_OPERATORS as readonly string[]).includes(op)) {
    throw invalid([...path, 'operator'], `Unknown operator ${JSON.stringify(op)}`);
  }
  const operator = op as FilterOperator;
  if (!PROFILE_FILTER_OPERATORS.includes(operator)) {
    throw invalid([...path, 'operator'], `The operator ${JSON.stringify(op)} is not available on profile filters`);
  }
  const field = resolve(filter.name, bag, [...path, 'name']);
  const vals = filterValues(filter.value, [...path, 'value']);
  const instants = field.kind === 'instant';
  if (operator === 'isNull') return instants ? 'FALSE' : `${field.text} = ''`;
  if (operator === 'isNotNull') return instants ? 'TRUE' : `${field.text} <> ''`;
  if (vals.length === 0) return null;
  const at = (i: number): Path => [...path, 'value', i];
  const t = field.text;
  switch (operator) {
    case 'is':
      if (instants) return any(vals.map((v, i) => `${field.instant} = ${instantParam(v, bag, at(i))}`));
      return `${t} IN (${vals.map((v) => bag.text(v)).join(', ')})`;
    case 'isNot':
      if (instants) return all(vals.map((v, i) => `${field.instant} <> ${instantParam(v, bag, at(i))}`));
      return `${t} NOT IN (${vals.map((v) => bag.text(v)).join(', ')})`;
    case 'contains':
      return any(vals.map((v) => `strpos(${t}, ${bag.text(v)}) > 0`));
    case 'doesNotContain':
      return all(vals.map((v) => `strpos(${t}, ${bag.text(v)}) = 0`));
    case 'startsWith':
      return any(vals.map((v) => `starts_with(${t}, ${bag.text(v)})`));
    case 'endsWith':
      return any(
        vals.map((v) => {
          const p = bag.text(v);
          return `right(${t}, char_length(${p})) = ${p}`;
        }),
      );
    case 'gt':
    case 'lt':
    case 'gte':
    case 'lte':
      return any(
        vals.map((v, i) =>
          instants
            ? `${field.instant} ${COMPARE[operator]} ${instantParam(v, bag, at(i))}`
            : `${numberOf(t)} ${COMPARE[operator]} ${numberParam(v, bag, at(i))}`,
        ),
      );
    default:
      throw invalid([...path, 'operator'], `The operator ${JSON.stringify(op)} is not available on profile filters`);
  }
}

/**
 * All filters, ANDed, as one predicate whose parameters are named `<prefix><n>`; null when
 * none applies. Errors are 400s naming `path` (`['filters', i, 'name']` and so on).
 */
export function compileProfileFilters(filters: Filter[] | undefined, path: Path, prefix = 'pf'): PgPredicate | null {
  const list = filters ?? [];
  if (!Array.isArray(list)) throw invalid(path, 'Expected an array');
  if (list.length > CHART_LIMITS.maxFilters) throw invalid(path, `At most ${CHART_LIMITS.maxFilters} filters`);
  const bag = new Params(prefix);
  const parts = list.map((f, i) => compileOne(f, bag, [...path, i])).filter((s): s is string => s !== null);
  if (parts.length === 0) return null;
  return { sql: parts.map((s) => `(${s})`).join(' AND '), params: bag.params };
}
