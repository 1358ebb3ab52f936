import { wellFormedJson } from './json-text';

describe('wellFormedJson', () => {
  it('writes lone surrogates as U+FFFD and leaves everything else as it is', () => {
    const values = ['a\ud800b', 'b\udc00', 'pair 😀', 'text \\ud800 with a backslash', '\\\ud800', 'plain'];
    const text = JSON.stringify(values);
    expect(JSON.parse(wellFormedJson(text))).toEqual([
      'a\ufffdb',
      'b\ufffd',
      'pair 😀',
      'text \\ud800 with a backslash',
      '\\\ufffd',
      'plain',
    ]);
    const clean = JSON.stringify(['plain', 'pair 😀']);
    expect(wellFormedJson(clean)).toBe(clean);
  });
  it('keeps U+0000 for ClickHouse, drops it for PostgreSQL', () => {
    const text = JSON.stringify({ 'k\u0000': 'a\u0000b\ud800', literal: '\\u0000' });
    expect(JSON.parse(wellFormedJson(text))).toEqual({ 'k\u0000': 'a\u0000b\ufffd', literal: '\\u0000' });
    expect(JSON.parse(wellFormedJson(text, true))).toEqual({ k: 'ab\ufffd', literal: '\\u0000' });
  });
});
