import { toClickhouseDateTime } from '@app/common';

/** A deterministic PRNG, so a failing figure can be reproduced from the seed. */
export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FixtureEvent {
  id: string;
  name: string;
  device_id: string;
  profile_id: string;
  project_id: string;
  session_id: string;
  path: string;
  country: string;
  country_code: string;
  browser: string;
  revenue: number;
  duration: number;
  properties: Record<string, string>;
  created_at: Date;
}

export interface FixtureProfile {
  id: string;
  project_id: string;
  first_name: string;
  last_name: string;
  email: string;
  properties: Record<string, string>;
  version: number;
}

export const PROJECT = 'proj_main';
export const OTHER_PROJECT = 'proj_other';

const NAMES = ['screen_view', 'screen_view', 'click', 'purchase'];
const COUNTRIES = ['Germany', 'France', 'United States', ''];
const COUNTRY_CODES: Record<string, string> = { Germany: 'DE', France: 'FR', 'United States': 'US', '': '' };
const PATHS = ['/', '/pricing', '/docs/intro', '/docs/api', "/o'brien"];
const TOTALS = ['12.5', '3', '-4', '100', 'abc', '', undefined];
const UTM = ['google', 'newsletter', undefined];

function uuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/**
 * Events of two projects between `from` and `to`, plus instants pinned to the edges that
 * matter in Europe/Berlin: either side of local midnight, and the spring-forward night.
 */
export function makeEvents(from: Date, to: Date, count: number, seed = 42): FixtureEvent[] {
  const rand = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const pinned = [
    '2024-03-30T22:59:59.999Z',
    '2024-03-30T23:00:00.000Z',
    '2024-03-31T00:59:59.999Z',
    '2024-03-31T01:00:00.000Z',
    '2024-03-31T21:59:59.999Z',
    '2024-03-31T22:00:00.000Z',
  ];
  const span = to.getTime() - from.getTime();
  const out: FixtureEvent[] = [];
  for (let i = 0; i < count; i++) {
    const at = i < pinned.length ? new Date(pinned[i]) : new Date(from.getTime() + Math.floor(rand() * span));
    const device = `dev${Math.floor(rand() * 14)}`;
    const identified = rand() < 0.6;
    const properties: Record<string, string> = { plan: pick(['pro', 'free']) };
    const total = pick(TOTALS);
    if (total !== undefined) properties.total = total;
    const utm = pick(UTM);
    if (utm) properties['__query.utm_source'] = utm;
    if (rand() < 0.1) properties["we'ird {k:String} key"] = "v') OR 1=1 --";
    out.push({
      id: uuid(rand),
      name: pick(NAMES),
      device_id: device,
      profile_id: identified ? `user${Math.floor(rand() * 6)}` : '',
      project_id: rand() < 0.9 ? PROJECT : OTHER_PROJECT,
      session_id: rand() < 0.9 ? `s${Math.floor(rand() * 40)}` : '',
      path: pick(PATHS),
      country: pick(COUNTRIES),
      country_code: '',
      browser: pick(['Chrome', 'Firefox', 'Safari']),
      revenue: rand() < 0.3 ? Math.floor(rand() * 5000) : 0,
      duration: Math.floor(rand() * 1000),
      properties,
      created_at: at,
    });
  }
  for (const e of out) e.country_code = COUNTRY_CODES[e.country];
  // Two events at the very same instant, so ordering must fall back to the id.
  const tie = { ...out[out.length - 1], project_id: PROJECT, created_at: new Date('2024-04-02T08:00:00.000Z') };
  out.push({ ...tie, id: '00000000-0000-4000-a000-000000000001' }, { ...tie, id: 'ffffffff-0000-4000-a000-000000000002' });
  out.push({ ...tie, id: '00000000-0000-4000-a000-0000000000ff' }, { ...tie, id: '0000ffff-0000-4000-a000-000000000000' });
  // Just before `now` (2024-04-03T10:00Z in the specs), for the rolling ranges.
  for (const [i, at] of [
    '2024-04-03T09:55:30.000Z',
    '2024-04-03T09:40:00.000Z',
    '2024-04-03T09:40:59.999Z',
    '2024-04-03T09:15:00.000Z',
  ].entries()) {
    out.push({ ...tie, id: `11111111-0000-4000-a000-00000000000${i}`, name: 'screen_view', created_at: new Date(at) });
  }
  return out;
}

export function makeProfiles(): FixtureProfile[] {
  const out: FixtureProfile[] = [];
  for (let i = 0; i < 6; i++) {
    const base = {
      id: `user${i}`,
      project_id: PROJECT,
      first_name: `First${i}`,
      last_name: `Last${i}`,
      properties: { tier: i % 2 === 0 ? 'gold' : 'silver' },
    };
    // An older version with other values: only the newest may be read.
    out.push({ ...base, email: `old${i}@example.com`, properties: { tier: 'stale' }, version: 1 });
    out.push({ ...base, email: i === 5 ? '' : `user${i}@example.com`, version: 2 });
  }
  // The same id in another project must never leak into this one's joins.
  out.push({
    id: 'user0',
    project_id: OTHER_PROJECT,
    first_name: 'Intruder',
    last_name: '',
    email: 'intruder@example.com',
    properties: { tier: 'gold' },
    version: 9,
  });
  return out;
}

export function eventRows(events: FixtureEvent[]): Record<string, unknown>[] {
  return events.map((e) => ({ ...e, created_at: toClickhouseDateTime(e.created_at) }));
}

export function profileRows(profiles: FixtureProfile[]): Record<string, unknown>[] {
  return profiles.map((p) => ({ ...p, avatar: '', is_external: true, created_at: '2024-01-01 00:00:00.000' }));
}

/** Actor as the chart SQL defines it. */
export function actor(e: FixtureEvent): string {
  return e.profile_id !== '' ? e.profile_id : e.device_id;
}

/** What toFloat64OrNull + isFinite accept, for the values this fixture holds. */
export function numeric(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** Local calendar label of an instant, independent of the library's own zone code. */
export function localDay(at: Date, timeZone: string): string {
  return at.toLocaleDateString('sv-SE', { timeZone });
}

export function localHour(at: Date, timeZone: string): string {
  return `${localDay(at, timeZone)}T${at.toLocaleTimeString('sv-SE', { timeZone, hour: '2-digit', hourCycle: 'h23' }).slice(0, 2)}`;
}

export function localMonday(at: Date, timeZone: string): string {
  const day = localDay(at, timeZone);
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}
