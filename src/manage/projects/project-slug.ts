import { randomInt } from 'node:crypto';

/** `My Website!` → `my-website`; never empty. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
  return slug || 'project';
}

/** The suffixed form used when a slug is taken: `my-website-4821`. */
export function suffixed(slug: string): string {
  return `${slug}-${randomInt(1000, 10000)}`;
}

/** CORS entries as stored: trimmed, no trailing slash, no empties or duplicates. */
export function cleanCors(entries: readonly string[] | undefined): string[] {
  const out = new Set<string>();
  for (const e of entries ?? []) {
    const v = e.trim().replace(/\/+$/, '');
    if (v) out.add(v);
  }
  return [...out];
}
