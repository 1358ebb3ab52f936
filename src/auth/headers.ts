import type { FastifyRequest } from 'fastify';

/** The first non-empty value among headers `names` (a repeated header gives its first value). */
export function firstHeader(req: FastifyRequest, ...names: string[]): string | undefined {
  for (const name of names) {
    const v = req.headers[name];
    const s = Array.isArray(v) ? v[0] : v;
    if (s) return s;
  }
  return undefined;
}
