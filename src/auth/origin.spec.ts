import { normalizeOrigin, originAllowed } from './origin';

describe('originAllowed', () => {
  it('ignores scheme, www. and trailing slashes', () => {
    expect(normalizeOrigin('https://www.Example.com/')).toBe('example.com');
    expect(originAllowed('http://example.com', ['https://www.example.com/'])).toBe(true);
  });
  it('anchors wildcards at both ends', () => {
    const list = ['*.example.com'];
    expect(originAllowed('https://a.example.com', list)).toBe(true);
    expect(originAllowed('https://a.b.example.com', list)).toBe(true);
    expect(originAllowed('https://example.com', list)).toBe(false);
    expect(originAllowed('https://evilexample.com', list)).toBe(false);
    expect(originAllowed('https://a.example.com.evil.net', list)).toBe(false);
  });
  it('respects ports and refuses empty or null origins', () => {
    expect(originAllowed('http://localhost:3000', ['localhost:3000'])).toBe(true);
    expect(originAllowed('http://localhost:3001', ['localhost:3000'])).toBe(false);
    expect(originAllowed(undefined, ['*'])).toBe(false);
    expect(originAllowed('null', ['*'])).toBe(false);
    expect(originAllowed('https://x.y', ['*'])).toBe(true);
  });
  it('reads only the host of a bare origin: a path, fragment, query or credentials is refused', () => {
    const list = ['*.apps.example.com'];
    expect(originAllowed('https://x.apps.example.com', list)).toBe(true);
    expect(originAllowed('https://evil.com/.apps.example.com', list)).toBe(false);
    expect(originAllowed('https://evil.com#.apps.example.com', list)).toBe(false);
    expect(originAllowed('https://evil.com?.apps.example.com', list)).toBe(false);
    expect(originAllowed('https://x.apps.example.com@evil.com', list)).toBe(false);
    expect(originAllowed('not an origin', ['*'])).toBe(false);
    expect(originAllowed('https://x.apps.example.com/', list)).toBe(true);
  });
});
