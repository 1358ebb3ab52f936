import { isIP } from 'node:net';

/**
 * Headers in which a server-side sender names its visitor's address (the seed's
 * `x-client-ip`, OpenPanel's own header): believed only from a sender that proved its secret,
 * since anyone holding a public key could otherwise pick the geo and the device of its events.
 */
export const SENDER_IP_HEADERS = ['openpanel-client-ip', 'x-client-ip'] as const;

/** Headers a reverse proxy sets: believed only when TRUST_PROXY says one is in front. */
export const PROXY_IP_HEADERS = ['true-client-ip', 'cf-connecting-ip', 'x-forwarded-for', 'x-real-ip', 'forwarded'] as const;

/** Which of the caller's claims about addresses count. */
export interface IpTrust {
  /** The request carried the client's secret (a server-side sender). */
  sender: boolean;
  /** TRUST_PROXY: a known proxy is in front and sets the proxy headers. */
  proxy: boolean;
}

type Headers = Record<string, string | string[] | undefined>;

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

function firstIn(headers: Headers, names: readonly string[]): string | undefined {
  for (const name of names) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!value) continue;
    const ip = fromHeader(name, value);
    if (ip) return ip;
  }
  return undefined;
}

/**
 * The address events are attributed to: the visitor's address a server-side sender names,
 * else the one a trusted proxy forwards, else the connection's (`socketIp`: Fastify's
 * `request.ip`, which already follows X-Forwarded-For when TRUST_PROXY is set).
 */
export function clientIp(headers: Headers, socketIp: string | undefined, trust: IpTrust): string {
  return (
    (trust.sender ? firstIn(headers, SENDER_IP_HEADERS) : undefined) ??
    (trust.proxy ? firstIn(headers, PROXY_IP_HEADERS) : undefined) ??
    socketIp ??
    ''
  );
}
