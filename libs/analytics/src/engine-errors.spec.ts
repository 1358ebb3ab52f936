import { ApiError } from '@app/common';
import { apiErrorFromEngine, regexCandidates } from './engine-errors';

/** What the ClickHouse client throws: a message plus the engine's error code and type. */
function engineError(type: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code: '1', type });
}

describe('apiErrorFromEngine', () => {
  const regexes = regexCandidates(
    [
      { name: 'path', operator: 'regex', value: ['^/ok$', '('] },
      { name: 'path', operator: 'is', value: ['('] },
    ],
    ['events', 0, 'filters'],
  );

  it('points an RE2 compile error at the pattern the engine names', () => {
    const err = apiErrorFromEngine(
      engineError('CANNOT_COMPILE_REGEXP', 'OptimizedRegularExpression: cannot compile re2: (, error: missing ): (.'),
      regexes,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err!.kind).toBe('bad_request');
    expect(err!.details).toEqual([{ path: ['events', 0, 'filters', 0, 'value', 1], message: 'Not a valid RE2 pattern' }]);
  });

  it("names the patterns the engine's compile check ran on when it refuses one without quoting it", () => {
    const checked = regexCandidates([{ name: 'path', operator: 'regex', value: ['^/ok$', 'a\\', '\\Qb\\'] }], ['filters']);
    const err = apiErrorFromEngine(
      engineError('BAD_ARGUMENTS', 'The pattern argument is not a valid re2 pattern: trailing \\: In scope SELECT ...'),
      checked,
    );
    expect(err?.message).toBe('Invalid regular expression (RE2 syntax expected)');
    expect(err?.details?.map((d) => d.path)).toEqual([
      ['filters', 0, 'value', 1],
      ['filters', 0, 'value', 2],
    ]);
    expect(apiErrorFromEngine(engineError('BAD_ARGUMENTS', 'Illegal type of argument'), regexes)).toBeUndefined();
  });

  it.each([
    ['TOO_MANY_ROWS', 'bad_request', /more rows/],
    ['TOO_MANY_ROWS_OR_BYTES', 'bad_request', /more rows/],
    ['TIMEOUT_EXCEEDED', 'bad_request', /time limit/],
    ['MEMORY_LIMIT_EXCEEDED', 'bad_request', /memory/],
    ['CANNOT_PARSE_NUMBER', 'bad_request', /expected type/],
  ])('maps %s to %s', (type, kind, message) => {
    const err = apiErrorFromEngine(engineError(type, 'Query memory limit exceeded'));
    expect(err?.kind).toBe(kind);
    expect(err?.message).toMatch(message);
  });

  it('answers 503 when the server as a whole is out of memory, and leaves our own bugs alone', () => {
    const busy = apiErrorFromEngine(engineError('MEMORY_LIMIT_EXCEEDED', 'Memory limit (total) exceeded'));
    expect(busy?.kind).toBe('unavailable');
    expect(busy?.headers).toEqual({ 'Retry-After': '5' });
    expect(apiErrorFromEngine(engineError('SYNTAX_ERROR'))).toBeUndefined();
    expect(apiErrorFromEngine(new Error('socket hang up'))).toBeUndefined();
    expect(apiErrorFromEngine(undefined)).toBeUndefined();
  });
});
