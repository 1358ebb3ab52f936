import { bareHost, classifyHost, referrerFromQuery, resolveReferrer } from './referrer';

describe('classifyHost', () => {
  it.each([
    ['www.google.com', 'Google', 'search'],
    ['google.de', 'Google', 'search'],
    ['www.google.co.uk', 'Google', 'search'],
    ['google.com.br', 'Google', 'search'],
    ['www.bing.com', 'Bing', 'search'],
    ['duckduckgo.com', 'DuckDuckGo', 'search'],
    ['search.yahoo.com', 'Yahoo!', 'search'],
    ['uk.search.yahoo.com', 'Yahoo!', 'search'],
    ['www.baidu.com', 'Baidu', 'search'],
    ['yandex.ru', 'Yandex', 'search'],
    ['yandex.com.tr', 'Yandex', 'search'],
    ['www.ecosia.org', 'Ecosia', 'search'],
    ['search.brave.com', 'Brave Search', 'search'],
    ['com.google.android.googlequicksearchbox', 'Google', 'search'],
    ['m.facebook.com', 'Facebook', 'social'],
    ['l.facebook.com', 'Facebook', 'social'],
    ['www.instagram.com', 'Instagram', 'social'],
    ['t.co', 'Twitter', 'social'],
    ['x.com', 'Twitter', 'social'],
    ['twitter.com', 'Twitter', 'social'],
    ['www.linkedin.com', 'LinkedIn', 'social'],
    ['old.reddit.com', 'Reddit', 'social'],
    ['m.youtube.com', 'YouTube', 'social'],
    ['www.tiktok.com', 'TikTok', 'social'],
    ['pinterest.com', 'Pinterest', 'social'],
    ['pinterest.fr', 'Pinterest', 'social'],
    ['news.ycombinator.com', 'Hacker News', 'social'],
    ['mail.google.com', 'Gmail', 'email'],
    ['outlook.live.com', 'Outlook.com', 'email'],
    ['mail.yahoo.com', 'Yahoo! Mail', 'email'],
    ['chatgpt.com', 'ChatGPT', 'ai'],
    ['gemini.google.com', 'Gemini', 'ai'],
    ['www.perplexity.ai', 'Perplexity', 'ai'],
  ])('%s is %s (%s)', (host, name, type) => {
    expect(classifyHost(host)).toEqual({ name, type });
  });

  it.each(['docs.google.com', 'example.com', 'co.uk', 'com', '', 'googleapis.com', 'notgoogle.com', 'google.example.org'])(
    '%s is unknown',
    (host) => {
      expect(classifyHost(host)).toBeUndefined();
    },
  );

  it('ignores case and a trailing dot', () => {
    expect(classifyHost('WWW.Google.COM.')).toEqual({ name: 'Google', type: 'search' });
    expect(bareHost('WWW.Example.com.')).toBe('example.com');
  });
});

describe('referrerFromQuery', () => {
  it('reads utm_source, then ref, then utm_referrer', () => {
    expect(referrerFromQuery({ utm_source: 'newsletter', ref: 'producthunt' })).toEqual({ name: 'newsletter', type: '' });
    expect(referrerFromQuery({ ref: 'producthunt' })).toEqual({ name: 'Product Hunt', type: 'social' });
    expect(referrerFromQuery({ utm_referrer: 'https://www.google.com/' })).toEqual({ name: 'Google', type: 'search' });
  });

  it('recognises names and hosts of known sources', () => {
    expect(referrerFromQuery({ utm_source: 'Google' })).toEqual({ name: 'Google', type: 'search' });
    expect(referrerFromQuery({ utm_source: 'linkedin.com' })).toEqual({ name: 'LinkedIn', type: 'social' });
    expect(referrerFromQuery({ utm_source: 'facebook' })).toEqual({ name: 'Facebook', type: 'social' });
    expect(referrerFromQuery({ utm_source: 'x' })).toEqual({ name: 'Twitter', type: 'social' });
    expect(referrerFromQuery({ utm_source: 'chatgpt.com' })).toEqual({ name: 'ChatGPT', type: 'ai' });
  });

  it('is undefined without a campaign source', () => {
    expect(referrerFromQuery(undefined)).toBeUndefined();
    expect(referrerFromQuery({})).toBeUndefined();
    expect(referrerFromQuery({ utm_source: '  ' })).toBeUndefined();
  });

  it('lower-cases and caps unknown sources', () => {
    expect(referrerFromQuery({ utm_source: 'Spring-Sale' })).toEqual({ name: 'spring-sale', type: '' });
    expect(referrerFromQuery({ utm_source: 'a'.repeat(1000) })?.name).toHaveLength(256);
  });
});

describe('resolveReferrer', () => {
  it('classifies a known external referrer and strips the trailing slash', () => {
    expect(resolveReferrer({ referrer: 'https://www.google.com/', pageHostname: 'shop.example.com' })).toEqual({
      referrer: 'https://www.google.com',
      name: 'Google',
      type: 'search',
    });
  });

  it('names an unknown external referrer by its host, with no type', () => {
    expect(resolveReferrer({ referrer: 'https://www.blog.dev/post/1', pageHostname: 'example.com' })).toEqual({
      referrer: 'https://www.blog.dev/post/1',
      name: 'blog.dev',
      type: '',
    });
  });

  it('drops internal navigation entirely', () => {
    const empty = { referrer: '', name: '', type: '' };
    expect(resolveReferrer({ referrer: 'https://example.com/a', pageHostname: 'example.com' })).toEqual(empty);
    expect(resolveReferrer({ referrer: 'https://www.example.com/a', pageHostname: 'example.com' })).toEqual(empty);
    expect(resolveReferrer({ referrer: 'https://example.com/a', pageHostname: 'www.example.com' })).toEqual(empty);
  });

  it('treats a subdomain as another site', () => {
    expect(resolveReferrer({ referrer: 'https://docs.example.com/', pageHostname: 'example.com' })).toEqual({
      referrer: 'https://docs.example.com',
      name: 'docs.example.com',
      type: '',
    });
  });

  it('lets a campaign source name the referrer, and keeps the referrer URL', () => {
    expect(
      resolveReferrer({
        referrer: 'https://mail.google.com/',
        pageHostname: 'example.com',
        pageQuery: { utm_source: 'newsletter' },
      }),
    ).toEqual({ referrer: 'https://mail.google.com', name: 'newsletter', type: '' });
    expect(resolveReferrer({ pageQuery: { utm_source: 'twitter' } })).toEqual({
      referrer: '',
      name: 'Twitter',
      type: 'social',
    });
    expect(resolveReferrer({ referrer: 'https://example.com/', pageHostname: 'example.com', pageQuery: { ref: 'reddit' } })).toEqual({
      referrer: '',
      name: 'Reddit',
      type: 'social',
    });
  });

  it('recognises Android app referrers', () => {
    expect(resolveReferrer({ referrer: 'android-app://com.google.android.gm/' })).toEqual({
      referrer: 'android-app://com.google.android.gm',
      name: 'Gmail',
      type: 'email',
    });
  });

  it('keeps an unparseable referrer without a name, and never throws', () => {
    expect(resolveReferrer({ referrer: 'not a url' })).toEqual({ referrer: 'not a url', name: '', type: '' });
    expect(resolveReferrer({})).toEqual({ referrer: '', name: '', type: '' });
    expect(resolveReferrer({ referrer: '   ' })).toEqual({ referrer: '', name: '', type: '' });
  });

  it('strips a long run of trailing slashes in linear time', () => {
    const url = `https://e.com/${'/'.repeat(8000)}`;
    const started = process.hrtime.bigint();
    expect(resolveReferrer({ referrer: url }).referrer).toBe('https://e.com');
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
  });
});
