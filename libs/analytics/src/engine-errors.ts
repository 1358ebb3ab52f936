import { ApiError } from '@app/common';
import type { Path } from './errors';
import { needsCompileCheck } from './filters';
import type { Filter } from './types';

/** A regex a request sent, and where: so an RE2 compile error can point at the pattern. */
export interface RegexCandidate {
  path: Path;
  pattern: string;
}

/** The regex values of a filter list whose own path is `path` (`['events', 0, 'filters']`). */
export function regexCandidates(filters: Filter[] | undefined, path: Path): RegexCandidate[] {
  const out: RegexCandidate[] = [];
  (filters ?? []).forEach((f, i) => {
    if (f?.operator !== 'regex' || !Array.isArray(f.value)) return;
    f.value.forEach((v, j) => {
      if (typeof v === 'string') out.push({ path: [...path, i, 'value', j], pattern: v });
    });
  });
  return out;
}

const TOO_MUCH_DATA = new Set(['TOO_MANY_ROWS', 'TOO_MANY_ROWS_OR_BYTES', 'TOO_MANY_BYTES', 'SET_SIZE_LIMIT_EXCEEDED', 'TOO_MANY_PARTS']);
const TOO_SLOW = new Set(['TIMEOUT_EXCEEDED', 'TOO_SLOW']);
const BAD_PARAMETER = /^CANNOT_PARSE_|^CANNOT_CONVERT_TYPE$|^BAD_QUERY_PARAMETER$/;

function engineErrorType(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  // Duck-typed: the embedded engine builds its errors from its own copy of client-common.
  const type = (err as { type?: unknown }).type;
  return typeof type === 'string' && /^[A-Z0-9_]+$/.test(type) ? type : undefined;
}

/**
 * Maps a ClickHouse failure that the request itself caused (a pattern RE2 refuses, a query
 * past the caps of settings.ts) to the API error a client can act on; undefined for anything
 * else, which stays a 500 since it is ours to fix. Messages never quote the engine: its text
 * names internals, and the cap that tripped is all a client needs.
 */
export function apiErrorFromEngine(err: unknown, regexes: RegexCandidate[] = []): ApiError | undefined {
  const type = engineErrorType(err);
  if (!type) return undefined;
  const message = err instanceof Error ? err.message : '';
  // The compile check of filters.ts (replaceRegexpOne) fails with BAD_ARGUMENTS and does not
  // quote the pattern as match() does; it runs only for the patterns needsCompileCheck picks.
  const checked = type === 'BAD_ARGUMENTS' && message.includes('not a valid re2 pattern');
  if (type === 'CANNOT_COMPILE_REGEXP' || checked) {
    // The engine names the pattern it could not compile; point at that one when it can be told.
    const named = regexes.filter((r) => (checked ? needsCompileCheck(r.pattern) : message.includes(`re2: ${r.pattern}, error:`)));
    const culprits = named.length > 0 ? named : regexes;
    return ApiError.badRequest(
      'Invalid regular expression (RE2 syntax expected)',
      culprits.map((r) => ({ path: r.path, message: 'Not a valid RE2 pattern' })),
    );
  }
  if (TOO_MUCH_DATA.has(type)) {
    return ApiError.badRequest('The query would read or return more rows than allowed; narrow the range, the filters or the breakdowns');
  }
  if (TOO_SLOW.has(type)) {
    return ApiError.badRequest('The query ran past its time limit; narrow the range, the filters or the breakdowns');
  }
  if (type === 'MEMORY_LIMIT_EXCEEDED') {
    // "(total)" is the server's own limit, reached by everyone's queries together: try later.
    if (message.includes('(total)'))
      return new ApiError('unavailable', 'The analytics engine is busy; retry shortly', undefined, { 'Retry-After': '5' });
    return ApiError.badRequest('The query needs more memory than allowed; narrow the range, the filters or the breakdowns');
  }
  if (BAD_PARAMETER.test(type)) return ApiError.badRequest('A value in the query could not be read as its expected type');
  return undefined;
}
