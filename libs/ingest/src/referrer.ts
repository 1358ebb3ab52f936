import { MAX_URL_LENGTH, parseUrl } from './parse-url';

/**
 * '' means "not classified": an unknown site, a campaign source we do not recognise, or no
 * referrer at all. OpenPanel stores '' in that case too, so filters written against its data
 * keep working. 'ai' is ours: assistants have become a referrer class of their own.
 */
export type ReferrerType = 'search' | 'social' | 'email' | 'ai' | '';

export interface Referrer {
  /** The referrer URL without trailing slash; '' for none or internal navigation. */
  referrer: string;
  /** A known source's display name, a campaign source, or the external host; else ''. */
  name: string;
  type: ReferrerType;
}

export interface ReferrerSource {
  name: string;
  type: ReferrerType;
}

type Source = ReferrerSource;

/**
 * Exact hosts (after dropping `www.`/`m.`), matched from the most specific suffix down, so
 * `mail.yahoo.com` is email while `search.yahoo.com` falls to `yahoo.com`. Android apps send
 * `android-app://<package>/`, whose host is the package name.
 */
const HOSTS: ReadonlyMap<string, Source> = new Map<string, Source>(
  (
    [
      ['search', 'Bing', ['bing.com', 'cn.bing.com']],
      ['search', 'DuckDuckGo', ['duckduckgo.com', 'html.duckduckgo.com', 'lite.duckduckgo.com']],
      ['search', 'Yahoo!', ['yahoo.com', 'search.yahoo.com', 'yahoo.co.jp', 'search.yahoo.co.jp']],
      ['search', 'Baidu', ['baidu.com', 'm.baidu.com']],
      ['search', 'Ecosia', ['ecosia.org']],
      ['search', 'Brave Search', ['search.brave.com']],
      ['search', 'Startpage', ['startpage.com']],
      ['search', 'Qwant', ['qwant.com', 'lite.qwant.com']],
      ['search', 'Naver', ['search.naver.com', 'naver.com']],
      ['search', 'Seznam', ['seznam.cz', 'search.seznam.cz']],
      ['search', 'Sogou', ['sogou.com']],
      ['search', '360 Search', ['so.com']],
      ['search', 'Yandex', ['ya.ru']],
      ['search', 'Kagi', ['kagi.com']],
      ['search', 'Google', ['com.google.android.googlequicksearchbox', 'com.google.android.gm.lite']],
      ['social', 'Facebook', ['facebook.com', 'l.facebook.com', 'lm.facebook.com', 'fb.com', 'fb.me', 'com.facebook.katana']],
      ['social', 'Instagram', ['instagram.com', 'l.instagram.com', 'com.instagram.android']],
      ['social', 'Twitter', ['twitter.com', 't.co', 'x.com', 'com.twitter.android']],
      ['social', 'LinkedIn', ['linkedin.com', 'lnkd.in', 'com.linkedin.android']],
      ['social', 'Reddit', ['reddit.com', 'old.reddit.com', 'out.reddit.com', 'com.reddit.frontpage']],
      ['social', 'YouTube', ['youtube.com', 'youtu.be', 'com.google.android.youtube']],
      ['social', 'TikTok', ['tiktok.com']],
      ['social', 'Pinterest', ['pinterest.com', 'pin.it']],
      ['social', 'Hacker News', ['news.ycombinator.com']],
      ['social', 'Threads', ['threads.net', 'threads.com']],
      ['social', 'Bluesky', ['bsky.app']],
      ['social', 'Mastodon', ['mastodon.social']],
      ['social', 'Tumblr', ['tumblr.com']],
      ['social', 'VKontakte', ['vk.com']],
      ['social', 'Quora', ['quora.com']],
      ['social', 'Discord', ['discord.com']],
      ['social', 'Telegram', ['t.me', 'web.telegram.org', 'org.telegram.messenger']],
      ['social', 'WhatsApp', ['wa.me', 'web.whatsapp.com', 'com.whatsapp']],
      ['social', 'Snapchat', ['snapchat.com']],
      ['social', 'Weibo', ['weibo.com']],
      ['social', 'Product Hunt', ['producthunt.com']],
      ['email', 'Gmail', ['mail.google.com', 'com.google.android.gm']],
      ['email', 'Outlook.com', ['outlook.live.com', 'outlook.office.com', 'outlook.office365.com']],
      ['email', 'Yahoo! Mail', ['mail.yahoo.com', 'mail.yahoo.co.jp']],
      ['email', 'Proton Mail', ['mail.proton.me']],
      ['email', 'AOL Mail', ['mail.aol.com']],
      ['email', 'Yandex Mail', ['mail.yandex.ru', 'mail.yandex.com']],
      ['email', 'Zoho Mail', ['mail.zoho.com']],
      ['email', 'Fastmail', ['app.fastmail.com']],
      ['ai', 'ChatGPT', ['chatgpt.com', 'chat.openai.com']],
      ['ai', 'Perplexity', ['perplexity.ai']],
      ['ai', 'Claude', ['claude.ai']],
      ['ai', 'Gemini', ['gemini.google.com']],
      ['ai', 'Copilot', ['copilot.microsoft.com']],
    ] as const
  ).flatMap(([type, name, hosts]) => hosts.map((host): [string, Source] => [host, { name, type }])),
);

/**
 * Brands with a site per country (`google.de`, `google.co.uk`, `yandex.com.tr`): the brand is
 * the first label and one or two short labels follow. Subdomains (`docs.google.com`) do not
 * match: they are not the search engine.
 */
const COUNTRY_BRANDS: ReadonlyMap<string, Source> = new Map<string, Source>([
  ['google', { name: 'Google', type: 'search' }],
  ['yandex', { name: 'Yandex', type: 'search' }],
  ['yahoo', { name: 'Yahoo!', type: 'search' }],
  ['bing', { name: 'Bing', type: 'search' }],
  ['pinterest', { name: 'Pinterest', type: 'social' }],
  ['facebook', { name: 'Facebook', type: 'social' }],
]);
const COUNTRY_SUFFIX = /^[a-z]{2,3}(?:\.[a-z]{2})?$/;
const LEADING_PREFIX = /^(?:www\d*|m)\./;

/** Campaign names looked up by lower-cased display name (`utm_source=LinkedIn`). */
const BY_NAME: ReadonlyMap<string, Source> = (() => {
  const byName = new Map<string, Source>();
  for (const source of [...HOSTS.values(), ...COUNTRY_BRANDS.values()]) {
    const key = source.name.toLowerCase();
    if (!byName.has(key)) byName.set(key, source);
  }
  byName.set('x', { name: 'Twitter', type: 'social' });
  return byName;
})();

const MAX_SOURCE_LENGTH = 256;

// A loop, not /\/+$/: that regex backtracks quadratically on a long run of inner slashes.
function stripTrailingSlashes(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 47) end--;
  return end === value.length ? value : value.slice(0, end);
}

/** Host without `www.`/`m.` and trailing dot; '' for none. */
export function bareHost(hostname: string): string {
  let host = hostname.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host.replace(LEADING_PREFIX, '');
}

/** The known source a host belongs to, if any. */
export function classifyHost(hostname: string): ReferrerSource | undefined {
  const host = bareHost(hostname);
  if (host === '') return undefined;
  let candidate = host;
  for (;;) {
    const hit = HOSTS.get(candidate);
    if (hit) return hit;
    const dot = candidate.indexOf('.');
    // Walk down to the last two labels: a bare TLD (`com`, `uk`) is never a source.
    if (dot < 0 || candidate.indexOf('.', dot + 1) < 0) break;
    candidate = candidate.slice(dot + 1);
  }
  const dot = host.indexOf('.');
  if (dot > 0) {
    const brand = COUNTRY_BRANDS.get(host.slice(0, dot));
    if (brand && COUNTRY_SUFFIX.test(host.slice(dot + 1))) return brand;
  }
  return undefined;
}

/**
 * The campaign source named in a landing page's query (`utm_source`, then `ref`, then
 * `utm_referrer`), resolved to a known source when it names one (`google`, `linkedin.com`).
 */
export function referrerFromQuery(query: Record<string, string> | undefined): ReferrerSource | undefined {
  if (!query) return undefined;
  const raw = query.utm_source || query.ref || query.utm_referrer;
  if (!raw) return undefined;
  const source = raw.trim().toLowerCase().slice(0, MAX_SOURCE_LENGTH);
  if (source === '') return undefined;
  const known =
    BY_NAME.get(source) ??
    classifyHost(source) ??
    classifyHost(`${source}.com`) ??
    (source.includes('://') ? classifyHost(parseUrl(source).hostname) : undefined);
  return known ?? { name: source, type: '' };
}

export interface ReferrerInput {
  /** The referrer URL (`__referrer`, `document.referrer`). */
  referrer?: string;
  /** Host of the page the event happened on, to recognise internal navigation. */
  pageHostname?: string;
  /** Query of the page URL, for campaign parameters. */
  pageQuery?: Record<string, string>;
}

/**
 * Resolves the three referrer columns.
 *
 * - A referrer on the page's own site (same host, ignoring `www.`) is internal navigation,
 *   not a source: all three columns stay '' (OpenPanel drops it the same way).
 * - A campaign parameter in the page query (`utm_source`, `ref`, `utm_referrer`) names the
 *   source and wins over the referrer's host, as in OpenPanel: a newsletter link opened in
 *   Gmail should count as the newsletter. The referrer URL itself is still kept.
 * - Otherwise a known host gives its name and type; an unknown external host gives its bare
 *   host name as the name and '' as the type.
 */
export function resolveReferrer(input: ReferrerInput): Referrer {
  let referrer = '';
  let source: ReferrerSource | undefined;
  const raw = typeof input.referrer === 'string' ? input.referrer.trim().slice(0, MAX_URL_LENGTH) : '';
  if (raw !== '') {
    const parsed = parseUrl(raw);
    const host = bareHost(parsed.hostname);
    const internal = host !== '' && input.pageHostname !== undefined && host === bareHost(input.pageHostname);
    if (!internal) {
      referrer = stripTrailingSlashes(raw);
      if (host !== '') source = classifyHost(host) ?? { name: host, type: '' };
    }
  }
  const campaign = referrerFromQuery(input.pageQuery);
  if (campaign) source = campaign;
  return { referrer, name: source?.name ?? '', type: source?.type ?? '' };
}
