import { wellFormedJson } from './well-formed-json';

describe('wellFormedJson', () => {
  it('writes lone surrogates as U+FFFD and leaves everything else as it is', () => {
    const values = ['a\ud800b', 'b\udc00', 'pair 😀', 'text \\ud800 with a backslash', '\\\ud800', 'plain'];
    const text = JSON.stringify(values);
    expect(JSON.parse(wellFormedJson(text))).toEqual(['a\ufffdb', 'b\ufffd', 'pair 😀', 'text \\ud800 with a backslash', '\\\ufffd', 'plain']);
    const clean = JSON.stringify(['plain', 'pair 😀']);
    expect(wellFormedJson(clean)).toBe(clean);
  });
});
