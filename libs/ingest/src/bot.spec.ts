import { detectBot } from './bot';

describe('detectBot', () => {
  it.each([
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Googlebot', 'crawler'],
    [
      'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
      'bingbot',
      'crawler',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
      'HeadlessChrome',
      'headless',
    ],
    ['facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'facebookexternalhit', 'preview'],
    ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'Slackbot-LinkExpanding', 'preview'],
    ['Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)', 'UptimeRobot', 'monitor'],
    ['curl/8.4.0', 'curl', 'http-client'],
    ['python-requests/2.31.0', 'python-requests', 'http-client'],
    ['Go-http-client/1.1', 'Go-http-client', 'http-client'],
    ['node', 'node', 'http-client'],
  ])('recognises %s', (ua, name, type) => {
    expect(detectBot(ua)).toEqual({ name, type });
  });

  it.each([
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  ])('lets a browser through: %s', (ua) => {
    expect(detectBot(ua)).toBeNull();
  });

  it('is null without a user agent', () => {
    expect(detectBot(undefined)).toBeNull();
    expect(detectBot(null)).toBeNull();
    expect(detectBot('')).toBeNull();
  });
});
