import { isIP } from 'node:net';

/** Header order in which the caller's address is looked for (first hit wins). */
export const CLIENT_IP_HEADERS = [
  'openpanel-client-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'x-forwarded-for',
  'x-real-ip',
  'forwarded',
] as const;

function clean(value: string): string | undefined {
  let v = value.trim().replace(/^"|"$/g, '');
  if (v.startsWith('[')) v = v.slice(1, v.indexOf(']'));
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(v)) v = v.slice(0, v.lastIndexOf(':'));
  return isIP(v) ? v : undefined;
}

function fromHeader(name: string, value: string): string | undefined {
  if (name === 'x-forwarded-for') return clean(value.split(',')[0] ?? '');
  if (name === 'forwarded') {
    const m = /for=("?\[?[^;,"]+\]?"?)/i.exec(value);
    return m ? clean(m[1]) : undefined;
  }
  return clean(value);
}

/**
 * The address events are attributed to. Headers name the end user's address when a server
 * SDK or a proxy forwards it; the socket address is the fallback.
 */
export function clientIp(headers: Record<string, string | string[] | undefined>, socketIp: string | undefined): string {
  for (const name of CLIENT_IP_HEADERS) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!value) continue;
    const ip = fromHeader(name, value);
    if (ip) return ip;
  }
  return socketIp ?? '';
}
