import { invalid, type Path } from './errors';
import { emptyTest, type FieldResolver, numberOf, resolveField, type ResolvedField, textOf } from './fields';
import type { ParamBag } from './params';
import { parseWrittenDate, writtenInstant } from './range';
import { DATETIME_PARAM, dateTimeParam } from './source';
import { CHART_LIMITS, type Filter, FILTER_OPERATORS, type FilterOperator } from './types';

export interface CompiledFilter {
  sql: string;
  /** The predicate reads the profiles join. */
  profile: boolean;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** The SQL of the comparison operators, the same in ClickHouse and PostgreSQL. */
export const COMPARE: Record<'gt' | 'lt' | 'gte' | 'lte', string> = { gt: '>', lt: '<', gte: '>=', lte: '<=' };

function isOperator(op: unknown): op is FilterOperator {
  return typeof op === 'string' && (FILTER_OPERATORS as readonly string[]).includes(op);
}

/** A filter's `value` as strings (numbers and booleans as text), at most CHART_LIMITS.maxFilterValues. */
export function filterValues(raw: unknown, path: Path): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid(path, 'Expected an array');
  if (raw.length > CHART_LIMITS.maxFilterValues) throw invalid(path, `At most ${CHART_LIMITS.maxFilterValues} values`);
  return raw.map((v, i) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw invalid([...path, i], 'Expected a string');
  });
}

function any(parts: string[]): string {
  return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
}

function all(parts: string[]): string {
  return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
}

/**
 * A `createdAt` bound: a date (UTC midnight) or an ISO date-time, UTC unless it says otherwise,
 * read by the same strict rules as range bounds (no 30 February, years 1900 to 2299).
 */
function instantParam(v: string, bag: ParamBag, path: Path): string {
  return bag.value(dateTimeParam(new Date(writtenInstant(parseWrittenDate(v, path), 'UTC'))), DATETIME_PARAM);
}

function numberParam(v: string, bag: ParamBag, path: Path): string {
  const n = Number(v.trim());
  if (!NUMBER.test(v.trim()) || !Number.isFinite(n)) throw invalid(path, 'Expected a number');
  return bag.value(String(n), 'Float64');
}

/** What `isNot` and `doesNotContain` negate when applied to each element of an array. */
const POSITIVE_OF: Partial<Record<FilterOperator, FilterOperator>> = { isNot: 'is', doesNotContain: 'contains' };

/**
 * One filter as a predicate. Several values mean "any of them", except for the negative
 * operators (`isNot`, `doesNotContain`) where they mean "none of them". A value operator with
 * an empty value list filters nothing and yields null, as OpenPanel's own dashboards send
 * half-edited filters that way. Substring operators use position(), not LIKE, so `%` and `_`
 * in a value are plain characters. On `groups` a filter holds when some group matches (the
 * negative operators: when none does); on `createdAt`, `is`, `isNot` and the comparisons take
 * instants, the substring operators its ISO text.
 */
export function compileFilter(filter: Filter, bag: ParamBag, path: Path, resolve: FieldResolver = resolveField): CompiledFilter | null {
  if (typeof filter !== 'object' || filter === null) throw invalid(path, 'Expected an object');
  if (!isOperator(filter.operator)) throw invalid([...path, 'operator'], `Unknown operator ${JSON.stringify(filter.operator)}`);
  const field = resolve(filter.name, bag, [...path, 'name']);
  const op = filter.operator;
  const vals = filterValues(filter.value, [...path, 'value']);
  const wrap = (sql: string): CompiledFilter => ({ sql, profile: field.profile });
  if (op === 'isNull') return wrap(emptyTest(field));
  if (op === 'isNotNull') return wrap(`NOT (${emptyTest(field)})`);
  if (vals.length === 0) return null;
  if (field.kind === 'array') {
    // `_g` is a lambda argument, the only name a predicate on one element refers to.
    const element: ResolvedField = { sql: '_g', kind: 'string', profile: field.profile };
    const positive = POSITIVE_OF[op];
    if (positive) return wrap(`NOT arrayExists(_g -> ${predicate(element, positive, vals, bag, path)}, ${field.sql})`);
    return wrap(`arrayExists(_g -> ${predicate(element, op, vals, bag, path)}, ${field.sql})`);
  }
  if (filter.name === 'country' && (op === 'is' || op === 'isNot')) return wrap(countryPredicate(field, op, vals, bag, path, resolve));
  return wrap(predicate(field, op, vals, bag, path));
}

const COUNTRY_CODE = /^[A-Za-z]{2}$/;

/**
 * `country` holds the English name, as the seed documents ("United States"); OpenPanel's own
 * code stores the ISO code there, so its clients filter with `country is DE`. A value of two
 * letters (no country's name is that short) also matches `country_code`, so both forms work.
 */
function countryPredicate(
  field: ResolvedField,
  op: 'is' | 'isNot',
  vals: string[],
  bag: ParamBag,
  path: Path,
  resolve: FieldResolver,
): string {
  const codes = vals.filter((v) => COUNTRY_CODE.test(v)).map((v) => v.toUpperCase());
  const byName = predicate(field, op, vals, bag, path);
  if (codes.length === 0) return byName;
  const byCode = predicate(resolve('country_code', bag, path), op, codes, bag, path);
  return op === 'is' ? `(${byName} OR ${byCode})` : `(${byName} AND ${byCode})`;
}

function predicate(field: ResolvedField, op: FilterOperator, vals: string[], bag: ParamBag, path: Path): string {
  const text = textOf(field);
  const p = (v: string) => bag.value(v);
  const instants = field.kind === 'datetime';
  switch (op) {
    case 'is':
      if (instants) return any(vals.map((v, i) => `${field.sql} = ${instantParam(v, bag, [...path, 'value', i])}`));
      return vals.length === 1 ? `${text} = ${p(vals[0])}` : `${text} IN (${vals.map(p).join(', ')})`;
    case 'isNot':
      if (instants) return all(vals.map((v, i) => `${field.sql} != ${instantParam(v, bag, [...path, 'value', i])}`));
      return vals.length === 1 ? `${text} != ${p(vals[0])}` : `${text} NOT IN (${vals.map(p).join(', ')})`;
    case 'contains':
      return any(vals.map((v) => `position(${text}, ${p(v)}) > 0`));
    case 'doesNotContain':
      return all(vals.map((v) => `position(${text}, ${p(v)}) = 0`));
    case 'startsWith':
      return any(vals.map((v) => `startsWith(${text}, ${p(v)})`));
    case 'endsWith':
      return any(vals.map((v) => `endsWith(${text}, ${p(v)})`));
    case 'regex':
      vals.forEach((v, i) => {
        if (v.length > CHART_LIMITS.maxRegexLength)
          throw invalid([...path, 'value', i], `A pattern may have at most ${CHART_LIMITS.maxRegexLength} characters`);
        if (endsInLoneBackslash(v)) throw invalid([...path, 'value', i], 'Not a valid RE2 pattern: it ends in a lone backslash');
      });
      // match() is RE2: linear time, no backtracking blow-up, whatever the pattern. But it
      // hands a pattern without metacharacters to a substring search and never compiles it,
      // so a pattern RE2 refuses could match as a literal (a lone `\` matched every row).
      // For those, replaceRegexpOne compiles the pattern with RE2, once per statement since
      // its arguments are constants, and on the empty string yields '' for any valid one.
      return any(
        vals.map((v) => {
          const pattern = p(v);
          return needsCompileCheck(v)
            ? `(match(${text}, ${pattern}) AND replaceRegexpOne('', ${pattern}, '') = '')`
            : `match(${text}, ${pattern})`;
        }),
      );
    case 'gt':
    case 'lt':
    case 'gte':
    case 'lte': {
      const lhs = instants ? field.sql : numberOf(field);
      const bound = instants ? instantParam : numberParam;
      return any(vals.map((v, i) => `${lhs} ${COMPARE[op]} ${bound(v, bag, [...path, 'value', i])}`));
    }
    case 'isNull':
    case 'isNotNull':
      throw new Error('emptiness tests take no values');
    default: {
      const unknown: never = op;
      throw invalid([...path, 'operator'], `Unknown operator ${String(unknown)}`);
    }
  }
}

/**
 * Whether match() might take `pattern` for a literal without compiling it: no metacharacter
 * but an escape. A pattern with a metacharacter is compiled (and a refused one named in the
 * engine's error); one with neither is a plain literal, valid as it is.
 */
export function needsCompileCheck(pattern: string): boolean {
  return pattern.includes('\\') && !/[.^$|()[\]{}*+?]/.test(pattern);
}

/**
 * Whether RE2 would stop at "trailing \": an odd run of backslashes at the end, outside a
 * `\Q...` quote (where a backslash is a literal). The engine's compile check below catches
 * it too, but only this one can say which pattern it was.
 */
function endsInLoneBackslash(pattern: string): boolean {
  let quoted = false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '\\') continue;
    if (quoted) {
      if (pattern[i + 1] === 'E') quoted = false;
      i++;
      continue;
    }
    if (i === pattern.length - 1) return true;
    if (pattern[i + 1] === 'Q') quoted = true;
    i++;
  }
  return false;
}

/**
 * All filters of a list, ANDed; null when none applies. `resolve` maps field names to SQL:
 * the events table by default, another table's whitelist (sessions) for the insights.
 */
export function compileFilters(
  filters: Filter[] | undefined,
  bag: ParamBag,
  path: Path,
  resolve: FieldResolver = resolveField,
): CompiledFilter | null {
  const list = filters ?? [];
  if (!Array.isArray(list)) throw invalid(path, 'Expected an array');
  if (list.length > CHART_LIMITS.maxFilters) throw invalid(path, `At most ${CHART_LIMITS.maxFilters} filters`);
  const compiled = list.map((f, i) => compileFilter(f, bag, [...path, i], resolve)).filter((c): c is CompiledFilter => c !== null);
  if (compiled.length === 0) return null;
  return { sql: compiled.map((c) => `(${c.sql})`).join(' AND '), profile: compiled.some((c) => c.profile) };
}
