import { MAX_URL_LENGTH, parseUrl } from './parse-url';

describe('parseUrl', () => {
  it('splits a full URL', () => {
    expect(parseUrl('https://www.Example.com:8443/pricing/?utm_source=news&plan=pro#faq')).toEqual({
      path: '/pricing/',
      origin: 'https://www.example.com:8443',
      hostname: 'www.example.com',
      query: { utm_source: 'news', plan: 'pro' },
      hash: '#faq',
    });
  });

  it('keeps the last of repeated query keys and skips empty keys', () => {
    expect(parseUrl('https://e.com/?a=1&a=2&=x&b=').query).toEqual({ a: '2', b: '' });
  });

  it('splits bare paths with an empty origin', () => {
    expect(parseUrl('/docs/intro?lang=en#setup')).toEqual({
      path: '/docs/intro',
      origin: '',
      hostname: '',
      query: { lang: 'en' },
      hash: '#setup',
    });
  });

  it('keeps app-scheme origins that WHATWG reports as opaque', () => {
    expect(parseUrl('capacitor://localhost/home?tab=2')).toMatchObject({
      path: '/home',
      origin: 'capacitor://localhost',
      hostname: 'localhost',
      query: { tab: '2' },
    });
  });

  it('reads protocol-relative URLs as https', () => {
    expect(parseUrl('//cdn.example.com/x')).toMatchObject({ origin: 'https://cdn.example.com', path: '/x' });
  });

  it('keeps screen names and unparseable input whole as the path', () => {
    expect(parseUrl('HomeScreen')).toEqual({ path: 'HomeScreen', origin: '', hostname: '', query: {}, hash: '' });
    expect(parseUrl('https://exa mple.com/')).toMatchObject({ path: 'https://exa mple.com/', origin: '' });
  });

  it('never throws on garbage', () => {
    for (const input of [undefined, null, 42, {}, [], '', '   ', 'http://', '::::', '%%%', 'javascript:alert(1)', '\u0000']) {
      expect(() => parseUrl(input)).not.toThrow();
    }
    expect(parseUrl(undefined)).toEqual({ path: '', origin: '', hostname: '', query: {}, hash: '' });
    expect(parseUrl('javascript:alert(1)').origin).toBe('');
  });

  it('caps input length and query size', () => {
    const long = parseUrl(`https://e.com/${'a'.repeat(MAX_URL_LENGTH * 2)}`);
    expect(long.path.length).toBeLessThanOrEqual(MAX_URL_LENGTH);
    const params = Array.from({ length: 500 }, (_, i) => `k${i}=${i}`).join('&');
    expect(Object.keys(parseUrl(`https://e.com/?${params}`).query)).toHaveLength(100);
    expect(parseUrl(`https://e.com/?v=${'x'.repeat(5000)}`).query.v).toHaveLength(2048);
    expect(parseUrl('https://e.com/?__proto__=x').query).toEqual({});
  });
});
