import { mulberry32 } from '../../libs/analytics/test/fixture';
import type { CreatedProject } from './fixtures';
import { authHeaders, drainEvents, type TestApp } from './test-app';

/**
 * Events with known timestamps, properties, profiles, geo and devices for the Export API's
 * e2e specs, sent through the real ingestion pipeline (POST /track with `__timestamp`,
 * `x-client-ip` and `user-agent`). Expected figures are computed from `StoredEvent`s, which
 * carry what the pipeline derives (geo, device fields) from tables written down here, not
 * read back from the API.
 */

/** Addresses of the bundled DB-IP Lite database, and where it places them. */
export const GEO: Record<string, { country: string; region: string; city: string }> = {
  '8.8.8.8': { country: 'United States', region: 'California', city: 'Mountain View' },
  '81.2.69.160': { country: 'United Kingdom', region: 'England', city: 'London' },
  '217.160.0.1': { country: 'Germany', region: 'North Rhine-Westphalia', city: 'Essen' },
  '62.210.16.6': { country: 'France', region: 'Ile-de-France', city: 'Paris' },
  '133.242.0.1': { country: 'Japan', region: 'Tokyo', city: 'Chiyoda City' },
  // Private: no location, so geo breakdowns get an empty group.
  '10.0.0.1': { country: '', region: '', city: '' },
};

export const AGENTS: Record<string, { ua: string; browser: string; os: string; device: string }> = {
  chromeWindows: {
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    browser: 'Chrome',
    os: 'Windows',
    device: 'desktop',
  },
  iphone: {
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    browser: 'Mobile Safari',
    os: 'iOS',
    device: 'mobile',
  },
  firefoxUbuntu: {
    ua: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
    browser: 'Firefox',
    os: 'Ubuntu',
    device: 'desktop',
  },
  safariMac: {
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    browser: 'Safari',
    os: 'Mac OS',
    device: 'desktop',
  },
};

export interface FixtureProfile {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  properties: { tier: string };
}

export const PROFILES: FixtureProfile[] = Array.from({ length: 6 }, (_, i) => ({
  id: `user${i}`,
  firstName: `First${i}`,
  lastName: `Last${i}`,
  email: i === 5 ? `user5@other.org` : `user${i}@example.com`,
  properties: { tier: i % 2 === 0 ? 'gold' : 'silver' },
}));

/** One event as sent, with what the pipeline derives from the tables above. */
export interface StoredEvent {
  name: string;
  createdAt: Date;
  profileId: string;
  ip: string;
  agent: keyof typeof AGENTS;
  /** The page URL sent as `__path`. */
  url: string;
  /** Custom properties as sent (before the pipeline stringifies them). */
  props: Record<string, string | number>;
  /** What a chart reads: the sent properties as text, plus `__query.*` from the URL. */
  properties: Record<string, string>;
  path: string;
  origin: string;
  country: string;
  region: string;
  city: string;
  browser: string;
  os: string;
  device: string;
  /** The pipeline's device id is a hash of user agent and address: the same pair, the same device. */
  deviceKey: string;
  /** Recent events (within 15 minutes of reception) get a session, one per device here. */
  sessionKey: string;
}

const NAMES = ['screen_view', 'screen_view', 'click', 'purchase', 'signup'];
const URLS = [
  'https://example.com/',
  'https://example.com/pricing',
  'https://example.com/docs/intro?utm_source=google',
  'https://docs.example.com/docs/api?utm_source=newsletter&utm_medium=email',
  "https://example.com/o'brien",
];
const TOTALS: (string | number | undefined)[] = [12.5, 3, -4, 100, 'abc', undefined, '7'];
const PLANS = ['pro', 'free', undefined];

function derive(e: Pick<StoredEvent, 'name' | 'createdAt' | 'profileId' | 'ip' | 'agent' | 'url' | 'props'>, recent: boolean): StoredEvent {
  const url = new URL(e.url);
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.props)) properties[k] = String(v);
  for (const [k, v] of url.searchParams) properties[`__query.${k}`] = v;
  const deviceKey = `${e.agent}|${e.ip}`;
  return {
    ...e,
    properties,
    path: decodeURIComponent(url.pathname),
    origin: url.origin,
    ...GEO[e.ip],
    browser: AGENTS[e.agent].browser,
    os: AGENTS[e.agent].os,
    device: AGENTS[e.agent].device,
    deviceKey,
    sessionKey: recent ? deviceKey : '',
  };
}

/**
 * The fixture: `count` events spread over March and April 2024 (across Berlin's spring-forward
 * night), four events sharing one instant (ordering falls back to the id), and events placed
 * relative to `now` so every named range and its previous period holds something: a few
 * minutes ago (with sessions), hours, days and months ago.
 */
export function buildFixture(now: Date, count = 240, seed = 11): StoredEvent[] {
  const rand = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const agents = Object.keys(AGENTS) as (keyof typeof AGENTS)[];
  const ips = Object.keys(GEO);
  const from = Date.parse('2024-03-01T00:00:00Z');
  const to = Date.parse('2024-05-01T00:00:00Z');
  const make = (createdAt: Date, recent = false): StoredEvent => {
    const props: Record<string, string | number> = {};
    const plan = pick(PLANS);
    if (plan) props.plan = plan;
    const total = pick(TOTALS);
    if (total !== undefined) props.total = total;
    return derive(
      {
        name: pick(NAMES),
        createdAt,
        profileId: rand() < 0.6 ? `user${Math.floor(rand() * 6)}` : '',
        ip: pick(ips),
        agent: pick(agents),
        url: pick(URLS),
        props,
      },
      recent,
    );
  };
  const out: StoredEvent[] = [];
  for (let i = 0; i < count; i++) out.push(make(new Date(from + Math.floor(rand() * (to - from)))));
  for (let i = 0; i < 4; i++) out.push(make(new Date('2024-04-02T08:00:00.000Z')));
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const MIN = 60_000;
  const HOUR = 60 * MIN;
  const DAY = 24 * HOUR;
  // Within the 15 minutes in which the pipeline still gives events a session.
  for (const m of [12, 8, 5, 3, 1]) out.push(make(ago(m * MIN + 7_000), true));
  for (const ms of [
    45 * MIN,
    90 * MIN,
    2.5 * HOUR,
    20 * HOUR,
    30 * HOUR,
    3 * DAY,
    10 * DAY,
    40 * DAY,
    100 * DAY,
    200 * DAY,
    300 * DAY,
    400 * DAY,
    500 * DAY,
  ]) {
    out.push(make(ago(ms)));
  }
  return out;
}

export interface LoadOptions {
  /** Requests in flight at once; events relative to now go one by one, in time order, for their sessions. */
  concurrency?: number;
}

/** Sends the fixture through POST /track (identify first, so profiles exist), then drains. */
export async function loadFixture(t: TestApp, project: CreatedProject, events: StoredEvent[], options: LoadOptions = {}): Promise<void> {
  const headers = authHeaders(project.writeClient);
  for (const p of PROFILES) {
    const { id, ...rest } = p;
    const res = await t.app.inject({
      method: 'POST',
      url: '/track',
      headers,
      payload: { type: 'identify', payload: { profileId: id, ...rest } },
    });
    if (res.statusCode !== 200) throw new Error(`identify ${id}: ${res.statusCode} ${res.body}`);
  }
  const send = async (e: StoredEvent) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/track',
      headers: { ...headers, 'x-client-ip': e.ip, 'user-agent': AGENTS[e.agent].ua },
      payload: {
        type: 'track',
        payload: {
          name: e.name,
          ...(e.profileId ? { profileId: e.profileId } : {}),
          properties: { ...e.props, __path: e.url, __timestamp: e.createdAt.toISOString() },
        },
      },
    });
    if (res.statusCode !== 200) throw new Error(`track: ${res.statusCode} ${res.body}`);
  };
  const sorted = [...events].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const sessioned = sorted.filter((e) => e.sessionKey !== '');
  const rest = sorted.filter((e) => e.sessionKey === '');
  const concurrency = options.concurrency ?? 8;
  for (let i = 0; i < rest.length; i += concurrency) await Promise.all(rest.slice(i, i + concurrency).map(send));
  for (const e of sessioned) await send(e);
  await drainEvents(t);
}

/** The profile an event's `profile.*` fields read, or empty fields for anonymous events. */
export function profileOf(e: StoredEvent): FixtureProfile | undefined {
  return PROFILES.find((p) => p.id === e.profileId);
}
