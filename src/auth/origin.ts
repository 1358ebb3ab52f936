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
 * Whether a browser `Origin` may send events without a secret. Entries are exact hosts
 * (with port when given), `*.example.com` for any subdomain, or `*` for any origin. The
 * wildcard is anchored at both ends: `*.example.com` does not admit `evil-example.com` or
 * `example.com.evil.net`.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return false;
  const host = normalizeOrigin(origin);
  if (!host || host === 'null') return false;
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
