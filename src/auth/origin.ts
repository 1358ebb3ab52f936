/** `https://www.Example.com/` → `example.com`: scheme, `www.` and trailing slashes do not count. */
export function normalizeOrigin(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/+$/, '');
}

/**
 * The host (and port) of an `Origin` header, `www.` removed; undefined unless the value is a
 * bare origin. Browsers send `scheme://host[:port]` and nothing else, so a path, a query, a
 * fragment or credentials mean a forged value (`https://evil.com/.apps.example.com` must not
 * end with an allowed suffix just because its path does).
 */
export function originHost(origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin.trim());
  } catch {
    return undefined;
  }
  if (!url.hostname || url.username || url.password || url.search || url.hash || (url.pathname !== '' && url.pathname !== '/'))
    return undefined;
  const host = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  return host.replace(/^www\./, '');
}

/**
 * Whether a browser `Origin` may send events without a secret. Entries are exact hosts
 * (with port when given), `*.example.com` for any subdomain, or `*` for any origin. The
 * wildcard is anchored at both ends of the host: `*.example.com` does not admit
 * `evil-example.com` or `example.com.evil.net`.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return false;
  const host = originHost(origin);
  if (!host) return false;
  for (const raw of allowed) {
    const entry = normalizeOrigin(raw);
    if (!entry) continue;
    if (entry === '*') return true;
    if (entry.startsWith('*.')) {
      const suffix = entry.slice(1);
      if (host.endsWith(suffix) && host.length > suffix.length) return true;
    } else if (entry === host) {
      return true;
    }
  }
  return false;
}
