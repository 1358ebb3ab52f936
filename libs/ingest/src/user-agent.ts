import UAParser from 'ua-parser-js';
import { memoizeText } from './memo';

/**
 * Lower-case like OpenPanel. 'server' marks requests with no browser behind them (no UA, or
 * an HTTP library's `name/version`); ua-parser's rarer classes pass through as it names them.
 */
export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'server' | 'smarttv' | 'console' | 'wearable' | 'embedded';

export interface UserAgentInfo {
  /** No browser or app behind the request: callers skip sessions for such events. */
  isServer: boolean;
  /** ua-parser-js 1.x names, as OpenPanel stores them: 'Mac OS', 'iOS', 'Windows', 'Android'. */
  os: string;
  osVersion: string;
  /** 'Chrome', 'Safari', 'Mobile Safari', 'Edge', 'Firefox', 'Chrome Headless', … */
  browser: string;
  browserVersion: string;
  device: string;
  brand: string;
  model: string;
}

/** Enough for every real UA; a longer header is cut so it cannot bloat the cache keys. */
const MAX_UA_LENGTH = 512;
/** Distinct user agents remembered; parsing is deterministic, so entries never go stale. */
const CACHE_SIZE = 2000;

const SERVER: Readonly<UserAgentInfo> = Object.freeze({
  isServer: true,
  os: '',
  osVersion: '',
  browser: '',
  browserVersion: '',
  device: 'server',
  brand: '',
  model: '',
});

// `Go-http-client/1.1`, `node-fetch/1.0`, `Go Http Client/1.0`: one product token, nothing else.
const SINGLE_PRODUCT = /^[^/()]+\/[\d.]+$/;
// Fallbacks for what ua-parser leaves untyped. Tablets first: iPad Safari also says "Mobile/".
const TABLET = /ipad|tablet|kindle|silk\/|playbook/i;
const ANDROID = /android/i;
const MOBILE = /mobi|iphone|ipod|phone|blackberry|opera mini|iemobile|symbian|windows ce/i;
const PARSER_TYPES: ReadonlySet<string> = new Set(['mobile', 'tablet', 'smarttv', 'console', 'wearable', 'embedded']);

// One instance reused: parsing is synchronous, so nothing can interleave.
const parser = new UAParser();

function deviceType(ua: string, parsed: string | undefined): string {
  if (parsed && PARSER_TYPES.has(parsed)) return parsed;
  if (TABLET.test(ua)) return 'tablet';
  if (MOBILE.test(ua)) return 'mobile';
  if (ANDROID.test(ua)) return 'tablet';
  return 'desktop';
}

function parse(ua: string): Readonly<UserAgentInfo> {
  if (SINGLE_PRODUCT.test(ua)) return SERVER;
  const result = parser.setUA(ua).getResult();
  const { os, browser, device } = result;
  if (!os.name && !browser.name && !device.vendor && !device.model) return SERVER;
  return Object.freeze({
    isServer: false,
    os: os.name ?? '',
    osVersion: os.version ?? '',
    browser: browser.name ?? '',
    browserVersion: browser.version ?? '',
    device: deviceType(ua, device.type),
    brand: device.vendor ?? '',
    model: device.model ?? '',
  });
}

const parseCached = memoizeText(parse, { max: CACHE_SIZE });

/**
 * Parses a user agent into the `events` device columns. Results are cached per distinct UA
 * (this runs for every event) and frozen, since the same object is handed to every caller.
 */
export function parseUserAgent(userAgent: string | null | undefined): Readonly<UserAgentInfo> {
  if (!userAgent) return SERVER;
  let ua = userAgent.trim();
  if (ua === '') return SERVER;
  if (ua.length > MAX_UA_LENGTH) ua = ua.slice(0, MAX_UA_LENGTH);
  return parseCached(ua);
}

const OVERRIDES = [
  ['__os', 'os'],
  ['__osVersion', 'osVersion'],
  ['__browser', 'browser'],
  ['__browserVersion', 'browserVersion'],
  ['__device', 'device'],
  ['__brand', 'brand'],
  ['__model', 'model'],
] as const;
const MAX_OVERRIDE_LENGTH = 128;

/**
 * Native SDKs (React Native, Swift, Kotlin) have no meaningful UA and describe the device in
 * properties instead (`__os`, `__osVersion`, `__browser`, `__browserVersion`, `__device`,
 * `__brand`, `__model`), which OpenPanel honours. Non-empty string overrides win; an
 * overridden event is no longer a server event.
 */
export function applyUserAgentOverrides(
  info: Readonly<UserAgentInfo>,
  properties: Record<string, unknown> | undefined,
): Readonly<UserAgentInfo> {
  if (!properties) return info;
  let patched: UserAgentInfo | undefined;
  for (const [property, field] of OVERRIDES) {
    const value = properties[property];
    if (typeof value !== 'string' || value.trim() === '') continue;
    patched ??= { ...info, isServer: false };
    patched[field] = value.trim().slice(0, MAX_OVERRIDE_LENGTH);
  }
  if (patched && info.isServer && patched.device === 'server') {
    // A native app that names its OS but not its form factor is still not a server.
    patched.device = '';
  }
  return patched ?? info;
}
