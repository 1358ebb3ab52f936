import { randomInt } from 'node:crypto';

/**
 * Project ids are at most this long, the suffix of a taken slug included, so every id the API
 * makes fits where ids go: path parameters, and the 128-character project id of every DTO.
 */
export const MAX_PROJECT_ID_LENGTH = 100;
const SUFFIX_LENGTH = '-0000'.length;

/** `My Website!` → `my-website`; never empty, and short enough to take a suffix. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_PROJECT_ID_LENGTH - SUFFIX_LENGTH)
    .replace(/-+$/, '');
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
