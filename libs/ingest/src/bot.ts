import { isbotMatch } from 'isbot';
import { memoizeText } from './memo';

/**
 * Coarse classes for the 202 `{ bot: { name, type } }` answer and for logs:
 * - headless: automated browsers (HeadlessChrome, PhantomJS, Lighthouse, Selenium);
 * - preview: link unfurlers (facebookexternalhit, Slackbot, Twitterbot, Discordbot);
 * - monitor: uptime and performance probes;
 * - http-client: HTTP libraries and CLIs (curl, python-requests, axios, Node's `node`);
 * - crawler: search engines, SEO and archive crawlers;
 * - bot: anything else isbot recognises.
 */
export type BotType = 'headless' | 'preview' | 'monitor' | 'http-client' | 'crawler' | 'bot';

export interface BotInfo {
  /** The product token that gave it away, e.g. 'Googlebot', 'HeadlessChrome', 'curl'. */
  name: string;
  type: BotType;
}

const CLASSES: readonly (readonly [BotType, RegExp])[] = [
  ['headless', /headless|phantomjs|puppeteer|playwright|selenium|webdriver|lighthouse/i],
  [
    'preview',
    /externalhit|facebookcatalog|twitterbot|slackbot|slack-imgproxy|discordbot|telegrambot|whatsapp|linkedinbot|skypeuripreview|embedly|redditbot|iframely|vkshare/i,
  ],
  ['monitor', /uptime|pingdom|statuscake|monitor|site24x7|newrelic|datadog|checkly|pingbot/i],
  [
    'http-client',
    /^(?:curl|wget|python|aiohttp|httpx|axios|node|undici|got|go-http-client|go http client|okhttp|java|apache-httpclient|libwww|guzzle|ruby|php|postman|insomnia|httpie|dart|ktor|reqwest|deno|bun)\b/i,
  ],
  ['crawler', /bot|crawl|spider|slurp|archiv|scrap|fetch|google|bing|yandex|baidu|duckduck|semrush|ahrefs/i],
];

const MAX_NAME_LENGTH = 64;

function isNameChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || // 0-9
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) || // a-z
    code === 45 || // -
    code === 95 || // _
    code === 46 // .
  );
}

/**
 * isbot reports the matched fragment ('Google', 'bot', 'curl/8.4.0'); the product token around
 * it ('Googlebot', 'bingbot', 'curl') names the bot far better.
 */
function productToken(ua: string, match: string): string {
  let at = ua.indexOf(match);
  if (at < 0) return match.slice(0, MAX_NAME_LENGTH);
  const stop = at + match.length;
  while (at < stop && !isNameChar(ua.charCodeAt(at))) at++;
  if (at === stop) return match.trim().slice(0, MAX_NAME_LENGTH) || 'bot';
  let start = at;
  while (start > 0 && isNameChar(ua.charCodeAt(start - 1))) start--;
  let end = at;
  while (end < ua.length && isNameChar(ua.charCodeAt(end))) end++;
  return ua.slice(start, Math.min(end, start + MAX_NAME_LENGTH));
}

/** isbot's pattern is one large regular expression: its verdict is kept per distinct UA. */
const classifyCached = memoizeText(
  (ua) => {
    const bot = classify(ua);
    return bot && Object.freeze(bot);
  },
  { max: 10_000, maxKeyLength: 512 },
);

/** A known bot, crawler or HTTP library behind this user agent, or null for a person's browser. */
export function detectBot(userAgent: string | null | undefined): Readonly<BotInfo> | null {
  return userAgent ? classifyCached(userAgent) : null;
}

function classify(userAgent: string): BotInfo | null {
  const match = isbotMatch(userAgent);
  if (match === null) return null;
  const name = productToken(userAgent, match);
  for (const [type, pattern] of CLASSES) {
    if (pattern.test(name)) return { name, type };
  }
  // The token can be generic ('compatible'); the whole UA may still tell an automated browser.
  return { name, type: CLASSES[0][1].test(userAgent) ? 'headless' : 'bot' };
}
