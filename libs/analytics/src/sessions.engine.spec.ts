import type { ClickhouseService } from '@app/clickhouse';
import { toClickhouseDateTime } from '@app/common';
import { openEngine, runSql } from '../test/engine';
import { mulberry32 } from '../test/fixture';
import { sqlIsClean } from '../test/hostile';
import {
  buildCurrentSessionsSql,
  buildDirtyDevicesSql,
  buildDirtyStepSql,
  buildSessionsFromEventsSql,
  buildSessionsInsertSql,
  type ComputedSessionRow,
  SESSION_COLUMNS,
  type SessionRow,
  type StoredSessionRow,
} from './sessions-sql';

const MIN = 60_000;
const T0 = Date.UTC(2024, 4, 10, 8, 0, 0);
const FROM = new Date(T0 - 24 * 60 * MIN);
const TO = new Date(T0 + 24 * 60 * MIN);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Ev {
  id: string;
  name: string;
  device_id: string;
  profile_id: string;
  project_id: string;
  session_id: string;
  path: string;
  origin: string;
  referrer: string;
  referrer_name: string;
  referrer_type: string;
  revenue: number;
  properties: Record<string, string>;
  created_at: Date;
  country: string;
  country_code: string;
  region: string;
  city: string;
  longitude: number | null;
  latitude: number | null;
  os: string;
  os_version: string;
  browser: string;
  browser_version: string;
  device: string;
  brand: string;
  model: string;
}

let seq = 0;
/** Ids in creation order, so ties on time are broken the same way here as by the engine (id as text). */
function nextId(): string {
  return `00000000-0000-4000-a000-${(seq++).toString(16).padStart(12, '0')}`;
}

function ev(project: string, device: string, atMs: number, over: Partial<Ev> = {}): Ev {
  return {
    id: nextId(),
    name: 'click',
    device_id: device,
    profile_id: '',
    project_id: project,
    session_id: '',
    path: '',
    origin: '',
    referrer: '',
    referrer_name: '',
    referrer_type: '',
    revenue: 0,
    properties: {},
    created_at: new Date(atMs),
    country: '',
    country_code: '',
    region: '',
    city: '',
    longitude: null,
    latitude: null,
    os: '',
    os_version: '',
    browser: '',
    browser_version: '',
    device: '',
    brand: '',
    model: '',
    ...over,
  };
}

const rowOf = (e: Ev) => ({ ...e, created_at: toClickhouseDateTime(e.created_at) });

async function insert(ch: ClickhouseService, events: Ev[]): Promise<void> {
  await ch.client.insert({ table: ch.table('events'), values: events.map(rowOf), format: 'JSONEachRow' });
}

/** Sessions computed here, from the rule alone: what the SQL must return. */
function referenceSessions(events: Ev[], project: string): (SessionRow & { provisional: string })[] {
  const byDevice = new Map<string, Ev[]>();
  for (const e of events) {
    if (e.project_id !== project || e.device_id === '') continue;
    byDevice.set(e.device_id, [...(byDevice.get(e.device_id) ?? []), e]);
  }
  const out: (SessionRow & { provisional: string })[] = [];
  for (const [device, list] of [...byDevice].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    list.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : 1));
    const runs: Ev[][] = [];
    for (const e of list) {
      const run = runs[runs.length - 1];
      if (run && e.created_at.getTime() - run[run.length - 1].created_at.getTime() < 30 * MIN) run.push(e);
      else runs.push([e]);
    }
    for (const run of runs) {
      const first = run[0];
      const last = run[run.length - 1];
      const page = (e: Ev) => e.name === 'screen_view' && e.path !== '';
      const views = run.filter(page).length;
      const firstOf = (k: 'path' | 'origin') => run.find((e) => e[k] !== '')?.[k] ?? '';
      const lastOf = (k: 'path' | 'origin') => [...run].reverse().find((e) => e[k] !== '')?.[k] ?? '';
      const known = [...run].reverse().find((e) => e.profile_id !== '' && e.profile_id !== device);
      out.push({
        provisional: first.session_id,
        id: '',
        project_id: project,
        device_id: device,
        profile_id: known ? known.profile_id : device,
        created_at: toClickhouseDateTime(first.created_at),
        ended_at: toClickhouseDateTime(last.created_at),
        duration: last.created_at.getTime() - first.created_at.getTime(),
        event_count: run.length - views,
        screen_view_count: views,
        is_bounce: views <= 1 ? 1 : 0,
        entry_origin: firstOf('origin'),
        entry_path: firstOf('path'),
        exit_origin: lastOf('origin'),
        exit_path: lastOf('path'),
        referrer: first.referrer,
        referrer_name: first.referrer_name,
        referrer_type: first.referrer_type,
        utm_source: first.properties['__query.utm_source'] ?? '',
        utm_medium: first.properties['__query.utm_medium'] ?? '',
        utm_campaign: first.properties['__query.utm_campaign'] ?? '',
        utm_content: first.properties['__query.utm_content'] ?? '',
        utm_term: first.properties['__query.utm_term'] ?? '',
        country: first.country,
        country_code: first.country_code,
        region: first.region,
        city: first.city,
        longitude: first.longitude,
        latitude: first.latitude,
        os: first.os,
        os_version: first.os_version,
        browser: first.browser,
        browser_version: first.browser_version,
        device: first.device,
        brand: first.brand,
        model: first.model,
        revenue: run.filter((e) => e.name === 'revenue').reduce((s, e) => s + e.revenue, 0),
      });
    }
  }
  return out;
}

/** Compares every column but the id, which each test checks by its own rule. */
function withoutId(rows: readonly SessionRow[]): Record<string, unknown>[] {
  return rows.map((r) => Object.fromEntries(SESSION_COLUMNS.filter((c) => c !== 'id').map((c) => [c, r[c]])));
}

async function computed(ch: ClickhouseService, project: string, deviceIds?: string[], from = FROM, to = TO): Promise<ComputedSessionRow[]> {
  return runSql<ComputedSessionRow>(ch, buildSessionsFromEventsSql(ch, { projectId: project, deviceIds, from, to }));
}

let ch: ClickhouseService;

beforeAll(async () => {
  ch = await openEngine();
});

afterAll(async () => {
  await ch?.close();
});

describe('sessions from events on the embedded engine', () => {
  it('a gap of exactly 30 minutes starts a new session, 29:59 does not', async () => {
    const p = 'p_gap';
    const events = [
      ev(p, 'd1', T0, { session_id: 's-a' }),
      ev(p, 'd1', T0 + 29 * MIN + 59_000, { session_id: 's-a' }),
      ev(p, 'd1', T0 + 59 * MIN + 59_000, { session_id: 's-a' }),
      ev(p, 'd1', T0 + 89 * MIN + 58_999, { session_id: 's-b' }),
    ];
    await insert(ch, events);
    const rows = await computed(ch, p);
    expect(rows.map((r) => [r.created_at, r.ended_at, r.event_count])).toEqual([
      ['2024-05-10 08:00:00.000', '2024-05-10 08:29:59.000', 2],
      ['2024-05-10 08:59:59.000', '2024-05-10 09:29:58.999', 2],
    ]);
    expect(withoutId(rows)).toEqual(withoutId(referenceSessions(events, p)));
    // Ingestion kept 's-a' over the 30-minute gap; the later run may not take it too.
    expect(rows[0].id).toBe('s-a');
    expect(rows[1].id).toBe(rows[1].fallback_id);
    expect(rows[1].id).toMatch(UUID);
  });

  it('gives the same sessions whatever order and inserts the events arrived in', async () => {
    const rand = mulberry32(17);
    const make = (p: string) => {
      const out: Ev[] = [];
      for (let d = 0; d < 6; d++) {
        let at = T0 - 6 * 60 * MIN + Math.floor(rand() * 60 * MIN);
        for (let i = 0; i < 40; i++) {
          // Gaps mostly short, sometimes past 30 minutes, sometimes exactly on it, sometimes none.
          const r = rand();
          at += r < 0.1 ? 0 : r < 0.15 ? 30 * MIN : r < 0.25 ? 31 * MIN + Math.floor(rand() * 90 * MIN) : Math.floor(rand() * 29 * MIN);
          out.push(
            ev(p, `dev${d}`, at, {
              session_id: `prov-${d}-${Math.floor(i / 7)}`,
              name: rand() < 0.5 ? 'screen_view' : 'click',
              path: rand() < 0.8 ? `/p${i % 5}` : '',
            }),
          );
        }
      }
      return out;
    };
    const ordered = make('p_order_a');
    const shuffled = ordered.map((e) => ({ ...e, project_id: 'p_order_b' }));
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    await insert(ch, ordered);
    for (let i = 0; i < shuffled.length; i += 37) await insert(ch, shuffled.slice(i, i + 37));

    const a = await computed(ch, 'p_order_a');
    const b = await computed(ch, 'p_order_b');
    const project = (rows: ComputedSessionRow[]) => rows.map(({ project_id: _p, fallback_id: _f, ...r }) => r);
    // Same ids too: they come from the events (and fallbacks from the project, which differs).
    expect(project(a).map((r) => ({ ...r, id: r.id.startsWith('prov-') ? r.id : '' }))).toEqual(
      project(b).map((r) => ({ ...r, id: r.id.startsWith('prov-') ? r.id : '' })),
    );
    expect(withoutId(a)).toEqual(withoutId(referenceSessions(ordered, 'p_order_a')));
    expect(a.length).toBeGreaterThan(6);
    // Every id is unique, and a run takes its first event's provisional id unless an earlier run has it.
    expect(new Set(a.map((r) => r.id)).size).toBe(a.length);
    const seen = new Set<string>();
    for (const [i, ref] of referenceSessions(ordered, 'p_order_a').entries()) {
      expect(a[i].id).toBe(seen.has(ref.provisional) ? a[i].fallback_id : ref.provisional);
      seen.add(ref.provisional);
    }
  });

  it('takes entry and exit, counts, bounce, duration, UTM, referrer, geo, device and revenue by the rules', async () => {
    const p = 'p_fields';
    const first = {
      referrer: 'https://www.google.com/search?q=x',
      referrer_name: 'Google',
      referrer_type: 'search',
      properties: {
        '__query.utm_source': 'news',
        '__query.utm_medium': 'email',
        '__query.utm_campaign': 'spring',
        '__query.utm_content': 'top',
        '__query.utm_term': 'shoes',
      },
      country: 'Germany',
      country_code: 'DE',
      region: 'Berlin',
      city: 'Berlin',
      longitude: null,
      latitude: 52.5,
      os: 'Windows',
      os_version: '10',
      browser: 'Chrome',
      browser_version: '124',
      device: 'desktop',
      brand: 'Acme',
      model: 'X1',
    };
    const later = {
      referrer: 'https://other.example/',
      referrer_name: 'Other',
      country: 'France',
      city: 'Paris',
      longitude: 2.25,
      latitude: 48.75,
      os: 'Linux',
      properties: { '__query.utm_source': 'later' },
    };
    const events = [
      ev(p, 'dv', T0, { ...first, name: 'session_start', profile_id: 'dv' }),
      ev(p, 'dv', T0 + 1 * MIN, { ...later, name: 'screen_view', path: '/home', origin: 'https://a.example', profile_id: 'user-1' }),
      ev(p, 'dv', T0 + 2 * MIN, { ...later, name: 'screen_view', path: '', origin: '' }),
      ev(p, 'dv', T0 + 3 * MIN, { ...later, name: 'revenue', revenue: 1250, profile_id: 'user-2' }),
      ev(p, 'dv', T0 + 4 * MIN, { ...later, name: 'purchase', revenue: 9999, path: '/pay', origin: 'https://pay.example' }),
      ev(p, 'dv', T0 + 5 * MIN, { ...later, name: 'screen_view', path: '/thanks', origin: '', profile_id: 'dv' }),
      ev(p, 'dv', T0 + 6 * MIN, { ...later, name: 'revenue', revenue: 50, profile_id: '' }),
      // A second visit: one page, anonymous throughout.
      ev(p, 'dv', T0 + 90 * MIN, { name: 'screen_view', path: '/alone', origin: 'https://a.example' }),
      // No device, no session.
      ev(p, '', T0 + 2 * MIN, { name: 'screen_view', path: '/server' }),
    ];
    await insert(ch, events);
    const rows = await computed(ch, p);
    expect(withoutId(rows)).toEqual(withoutId(referenceSessions(events, p)));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      profile_id: 'user-2',
      created_at: '2024-05-10 08:00:00.000',
      ended_at: '2024-05-10 08:06:00.000',
      duration: 360000,
      event_count: 5,
      screen_view_count: 2,
      is_bounce: 0,
      entry_origin: 'https://a.example',
      entry_path: '/home',
      exit_origin: 'https://pay.example',
      exit_path: '/thanks',
      referrer: first.referrer,
      referrer_name: 'Google',
      referrer_type: 'search',
      utm_source: 'news',
      utm_medium: 'email',
      utm_campaign: 'spring',
      utm_content: 'top',
      utm_term: 'shoes',
      country: 'Germany',
      country_code: 'DE',
      region: 'Berlin',
      city: 'Berlin',
      longitude: null,
      latitude: 52.5,
      os: 'Windows',
      os_version: '10',
      browser: 'Chrome',
      browser_version: '124',
      device: 'desktop',
      brand: 'Acme',
      model: 'X1',
      revenue: 1300,
    });
    expect(rows[1]).toMatchObject({
      profile_id: 'dv',
      duration: 0,
      event_count: 0,
      screen_view_count: 1,
      is_bounce: 1,
      entry_path: '/alone',
      exit_path: '/alone',
    });
    // No provisional ids here: every session is named by its fallback, the same on every run.
    expect(rows.map((r) => r.id)).toEqual(rows.map((r) => r.fallback_id));
    expect((await computed(ch, p)).map((r) => r.id)).toEqual(rows.map((r) => r.id));
  });

  it('keeps to the devices and the window asked for', async () => {
    const p = 'p_scope';
    const events = [ev(p, 'a', T0), ev(p, 'b', T0), ev(p, 'c', T0), ev(p, 'a', T0 + 5 * 60 * MIN), ev('p_scope_other', 'a', T0)];
    await insert(ch, events);
    expect((await computed(ch, p, ['a', 'c'])).map((r) => [r.device_id, r.created_at])).toEqual([
      ['a', '2024-05-10 08:00:00.000'],
      ['a', '2024-05-10 13:00:00.000'],
      ['c', '2024-05-10 08:00:00.000'],
    ]);
    expect(await computed(ch, p, [])).toEqual([]);
    expect((await computed(ch, p, ['a'], new Date(T0 + 60 * MIN), new Date(T0 + 5 * 60 * MIN))).map((r) => r.created_at)).toEqual([
      '2024-05-10 13:00:00.000',
    ]);
    const sliced = [];
    for (let index = 0; index < 3; index++)
      sliced.push(
        ...(await runSql<ComputedSessionRow>(
          ch,
          buildSessionsFromEventsSql(ch, { projectId: p, from: FROM, to: TO, slice: { of: 3, index } }),
        )),
      );
    expect(sliced.map((r) => r.device_id).sort()).toEqual(['a', 'a', 'b', 'c']);
  });

  it('treats quotes and backslashes in values as text', async () => {
    const p = "p'q\\r";
    const device = "dev'\\x";
    const events = [
      ev(p, device, T0, { session_id: "s'\\1", path: "/o'brien\\", origin: "https://x'y", profile_id: "u'\\" }),
      ev(p, device, T0 + MIN, { name: 'screen_view', path: "/it's" }),
      ev(p, 'plain', T0),
    ];
    await insert(ch, events);
    const stmt = buildSessionsFromEventsSql(ch, { projectId: p, deviceIds: [device, "x') OR 1=1 --"], from: FROM, to: TO });
    expect(sqlIsClean(stmt.sql)).toBe(true);
    const rows = await runSql<ComputedSessionRow>(ch, stmt);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: "s'\\1",
      project_id: p,
      device_id: device,
      profile_id: "u'\\",
      entry_path: "/o'brien\\",
      exit_path: "/it's",
      entry_origin: "https://x'y",
    });
    expect(withoutId(rows)).toEqual(withoutId(referenceSessions(events, p).filter((r) => r.device_id === device)));
  });
});

describe('stored sessions and their markers', () => {
  it('writes the bulk form once, then reads each id at its latest version, cancelled pairs left out', async () => {
    const p = 'p_store';
    const events = [
      ev(p, 'a', T0, { session_id: 'sa1' }),
      ev(p, 'a', T0 + 10 * MIN),
      ev(p, 'a', T0 + 3 * 60 * MIN, { session_id: 'sa2' }),
      ev(p, 'b', T0, { session_id: 'sb1' }),
    ];
    await insert(ch, events);
    await ch.client.command({
      query: buildSessionsInsertSql(ch, { projectId: p, from: FROM, to: TO }).sql,
      query_params: buildSessionsInsertSql(ch, { projectId: p, from: FROM, to: TO }).params,
    });
    const current = async (deviceIds?: string[], from = FROM, to = TO) =>
      runSql<StoredSessionRow>(ch, buildCurrentSessionsSql(ch, { projectId: p, deviceIds, from, to }));
    const all = await current();
    expect(all.map((r) => [r.id, r.version])).toEqual([
      ['sa1', 1],
      ['sa2', 1],
      ['sb1', 1],
    ]);
    expect(withoutId(all)).toEqual(withoutId(referenceSessions(events, p)));

    // Overlap: sa1 spans 08:00-08:10; a window from 08:10 still meets it, one from 08:10:00.001 does not.
    expect((await current(['a'], new Date(T0 + 10 * MIN), new Date(T0 + 60 * MIN))).map((r) => r.id)).toEqual(['sa1']);
    expect((await current(['a'], new Date(T0 + 10 * MIN + 1), new Date(T0 + 60 * MIN))).map((r) => r.id)).toEqual([]);
    expect((await current(['a'], new Date(T0 - 60 * MIN), new Date(T0))).map((r) => r.id)).toEqual(['sa1']);

    // sa1 grows to 08:20 (cancel + version 2); sb1 vanishes (cancel only).
    const [sa1, , sb1] = all;
    const cancel = (s: StoredSessionRow) => ({ ...s, sign: -1 });
    const grown = { ...sa1, ended_at: '2024-05-10 08:20:00.000', duration: 1_200_000, longitude: null, version: 2, sign: 1 };
    await ch.client.insert({ table: ch.table('sessions'), values: [cancel(sa1), grown, cancel(sb1)], format: 'JSONEachRow' });
    const after = await current();
    expect(after.map((r) => [r.id, r.version, r.ended_at])).toEqual([
      ['sa1', 2, '2024-05-10 08:20:00.000'],
      ['sa2', 1, '2024-05-10 11:00:00.000'],
    ]);
    // The same answer once the engine has collapsed the pairs.
    await ch.client.command({ query: `OPTIMIZE TABLE ${ch.table('sessions')} FINAL` });
    expect(await current()).toEqual(after);
  });

  it('leaves a marker per device and insert, also for rows sent to events_ingest (views chained)', async () => {
    const p = 'p_marks';
    const step = async (after: string) => (await runSql<{ markers: string; upto: string }>(ch, buildDirtyStepSql(ch, after, 0, 1000)))[0];
    const before = await step('1970-01-01 00:00:00.000');
    const columns = ['id', 'name', 'device_id', 'project_id', 'created_at'];
    const line = (device: string, atMs: number) => JSON.stringify([nextId(), 'click', device, p, toClickhouseDateTime(new Date(atMs))]);
    const body = Buffer.from([line('m1', T0), line('m1', T0 - 3 * 60 * MIN), line('m2', T0 + MIN), line('', T0)].join('\n'));
    await ch.insertCompactRows(ch.table('events_ingest'), columns, body, `marks-${Date.now()}`);
    await ch.client.insert({ table: ch.table('events'), values: [rowOf(ev(p, 'm2', T0 + 2 * 60 * MIN))], format: 'JSONEachRow' });

    const now = await step(before.markers === '0' ? '1970-01-01 00:00:00.000' : before.upto);
    expect(Number(now.markers)).toBeGreaterThanOrEqual(3);
    const dirty = (
      await runSql<{ project_id: string; device_id: string; first_at: string; last_at: string }>(
        ch,
        buildDirtyDevicesSql(ch, '1970-01-01 00:00:00.000', now.upto),
      )
    ).filter((d) => d.project_id === p);
    expect(dirty).toEqual([
      { project_id: p, device_id: 'm1', first_at: '2024-05-10 05:00:00.000', last_at: '2024-05-10 08:00:00.000' },
      { project_id: p, device_id: 'm2', first_at: '2024-05-10 08:01:00.000', last_at: '2024-05-10 08:01:00.000' },
      { project_id: p, device_id: 'm2', first_at: '2024-05-10 10:00:00.000', last_at: '2024-05-10 10:00:00.000' },
    ]);
    // Nothing is left after the last marker handed out, and a marker younger than the lag waits.
    expect(Number((await step(now.upto)).markers)).toBe(0);
    const young = await runSql<{ markers: string }>(
      ch,
      buildDirtyStepSql(ch, before.markers === '0' ? '1970-01-01 00:00:00.000' : before.upto, 3_600_000, 1000),
    );
    expect(Number(young[0].markers)).toBe(0);
  });
});
