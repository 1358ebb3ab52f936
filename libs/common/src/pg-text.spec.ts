import { findNonPgText, isPgText, longerThan, pgJson, toPgText } from './pg-text';

const NUL = '\u0000';
const HIGH = '\ud83d';
const LOW = '\ude00';

describe('text bound for PostgreSQL', () => {
  it('isPgText: refuses U+0000 and lone surrogates, accepts pairs', () => {
    expect(isPgText('plain é 😀')).toBe(true);
    expect(isPgText(`a${NUL}b`)).toBe(false);
    expect(isPgText(`a${HIGH}`)).toBe(false);
    expect(isPgText(`${LOW}a`)).toBe(false);
    expect(isPgText(`${HIGH}${LOW}`)).toBe(true);
  });

  it('toPgText: drops U+0000, lone surrogates become U+FFFD, clean text is returned as is', () => {
    expect(toPgText(`A${NUL}da${NUL}`)).toBe('Ada');
    expect(toPgText(`x${HIGH}y${LOW}`)).toBe('x\ufffdy\ufffd');
    const clean = 'clean 😀';
    expect(toPgText(clean)).toBe(clean);
  });

  it('longerThan counts characters as PostgreSQL does (a pair is one)', () => {
    expect(longerThan('😀'.repeat(255), 255)).toBe(false);
    expect(longerThan('😀'.repeat(256), 255)).toBe(true);
    expect(longerThan('x'.repeat(255), 255)).toBe(false);
    expect(longerThan('x'.repeat(256), 255)).toBe(true);
    expect(longerThan(`${HIGH}`.repeat(256), 255)).toBe(true);
  });

  it('pgJson: cleans keys and values at any depth, keeps backslashes and valid pairs', () => {
    const value = { [`k${NUL}ey`]: `v${HIGH}`, nested: [{ [`${LOW}`]: `a${NUL}b` }], slash: '\\u0000 is text', pair: '😀', quote: '"' };
    expect(JSON.parse(pgJson(value))).toEqual({
      key: 'v\ufffd',
      nested: [{ '\ufffd': 'ab' }],
      slash: '\\u0000 is text',
      pair: '😀',
      quote: '"',
    });
    expect(JSON.parse(pgJson({ s: `\\${NUL}` }))).toEqual({ s: '\\' });
    const clean = { a: 1, b: ['x'] };
    expect(pgJson(clean)).toBe(JSON.stringify(clean));
    expect(pgJson(undefined)).toBe('null');
  });

  it('findNonPgText: the path of the first bad string or key, iteratively', () => {
    expect(findNonPgText({ a: 'ok', b: [1, 'x', `y${NUL}`] })).toEqual(['b', 2]);
    expect(findNonPgText({ a: { [`k${HIGH}`]: 1 } })).toEqual(['a', `k${HIGH}`]);
    expect(findNonPgText(`s${NUL}`)).toEqual([]);
    expect(findNonPgText({ a: 'fine', n: null, d: new Date() })).toBeUndefined();
    let deep: Record<string, unknown> = { v: `x${NUL}` };
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(findNonPgText(deep)).toHaveLength(100_001);
  });
});
