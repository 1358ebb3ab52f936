import { applyUserAgentOverrides, parseUserAgent } from './user-agent';

const UA = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  chromeMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  androidTablet: 'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
};

const SERVER = {
  isServer: true,
  os: '',
  osVersion: '',
  browser: '',
  browserVersion: '',
  device: 'server',
  brand: '',
  model: '',
};

describe('parseUserAgent', () => {
  it('parses Chrome on Windows', () => {
    expect(parseUserAgent(UA.chromeWindows)).toEqual({
      isServer: false,
      os: 'Windows',
      osVersion: '10',
      browser: 'Chrome',
      browserVersion: '124.0.0.0',
      device: 'desktop',
      brand: '',
      model: '',
    });
  });

  it('parses Chrome on macOS', () => {
    expect(parseUserAgent(UA.chromeMac)).toEqual({
      isServer: false,
      os: 'Mac OS',
      osVersion: '10.15.7',
      browser: 'Chrome',
      browserVersion: '124.0.0.0',
      device: 'desktop',
      brand: 'Apple',
      model: 'Macintosh',
    });
  });

  it('parses Safari on macOS', () => {
    expect(parseUserAgent(UA.safariMac)).toMatchObject({
      os: 'Mac OS',
      osVersion: '10.15.7',
      browser: 'Safari',
      browserVersion: '17.4',
      device: 'desktop',
      brand: 'Apple',
    });
  });

  it('parses Safari on iPhone', () => {
    expect(parseUserAgent(UA.iphone)).toEqual({
      isServer: false,
      os: 'iOS',
      osVersion: '17.4',
      browser: 'Mobile Safari',
      browserVersion: '17.4',
      device: 'mobile',
      brand: 'Apple',
      model: 'iPhone',
    });
  });

  it('parses Chrome on Android', () => {
    expect(parseUserAgent(UA.androidChrome)).toEqual({
      isServer: false,
      os: 'Android',
      osVersion: '14',
      browser: 'Chrome',
      browserVersion: '124.0.6367.82',
      device: 'mobile',
      brand: 'Google',
      model: 'Pixel 8',
    });
  });

  it('parses iPad and Android tablets as tablets', () => {
    expect(parseUserAgent(UA.ipad)).toMatchObject({ os: 'iOS', osVersion: '17.4', device: 'tablet', brand: 'Apple', model: 'iPad' });
    expect(parseUserAgent(UA.androidTablet)).toMatchObject({ os: 'Android', device: 'tablet', brand: 'Samsung', model: 'SM-X710' });
  });

  it('parses Edge and Firefox', () => {
    expect(parseUserAgent(UA.edge)).toMatchObject({ browser: 'Edge', browserVersion: '124.0.2478.80', device: 'desktop' });
    expect(parseUserAgent(UA.firefoxLinux)).toMatchObject({ os: 'Linux', browser: 'Firefox', device: 'desktop' });
  });

  it('falls back to keywords when the parser gives no device type', () => {
    expect(parseUserAgent('Mozilla/5.0 (Linux; Android 10.0; Tablet; rv:68.0) Gecko/68.0 Firefox/68.0').device).toBe('tablet');
    expect(parseUserAgent('Mozilla/5.0 (Linux; Android 12; SomePhone) AppleWebKit/537.36 Mobile Safari/537.36').device).toBe('mobile');
  });

  it('marks requests without a browser as server', () => {
    for (const ua of [undefined, null, '', '   ', 'Go-http-client/1.1', 'node-fetch/1.0', 'Go Http Client/1.0', 'curl/8.4.0']) {
      expect(parseUserAgent(ua)).toEqual(SERVER);
    }
  });

  it('returns the same frozen object for the same user agent', () => {
    const first = parseUserAgent(UA.chromeMac);
    expect(parseUserAgent(` ${UA.chromeMac} `)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('cuts absurdly long user agents before parsing', () => {
    const info = parseUserAgent(`${UA.chromeWindows} ${'x'.repeat(100_000)}`);
    expect(info).toMatchObject({ os: 'Windows', browser: 'Chrome' });
  });
});

describe('applyUserAgentOverrides', () => {
  it('lets native SDK properties override the parsed values', () => {
    const info = applyUserAgentOverrides(parseUserAgent(UA.iphone), {
      __os: 'iOS',
      __osVersion: '18.0',
      __browser: 'MyApp',
      __browserVersion: '2.1.0',
      __device: 'mobile',
      __brand: 'Apple',
      __model: 'iPhone16,2',
    });
    expect(info).toEqual({
      isServer: false,
      os: 'iOS',
      osVersion: '18.0',
      browser: 'MyApp',
      browserVersion: '2.1.0',
      device: 'mobile',
      brand: 'Apple',
      model: 'iPhone16,2',
    });
  });

  it('turns a server UA into a device when the app describes itself', () => {
    expect(applyUserAgentOverrides(parseUserAgent('okhttp/4.9.0'), { __os: 'Android', __model: 'Pixel 8' })).toEqual({
      isServer: false,
      os: 'Android',
      osVersion: '',
      browser: '',
      browserVersion: '',
      device: '',
      brand: '',
      model: 'Pixel 8',
    });
  });

  it('ignores empty and non-string overrides and leaves the cached object alone', () => {
    const parsed = parseUserAgent(UA.chromeWindows);
    expect(applyUserAgentOverrides(parsed, { __os: '', __device: 3, other: 'x' })).toBe(parsed);
    expect(applyUserAgentOverrides(parsed, undefined)).toBe(parsed);
    applyUserAgentOverrides(parsed, { __os: 'Hacked' });
    expect(parseUserAgent(UA.chromeWindows).os).toBe('Windows');
  });
});
