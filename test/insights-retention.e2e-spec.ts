import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { zonedDay, zonedTime } from './setup/calendar';
import { authHeaders, type Credentials, drainEvents, useTestApp } from './setup/test-app';

const MIN = 60_000;
/** Clocks change at the end of October: the default 13 weeks cross it whenever the suite runs from November to April. */
const TZ = 'Europe/Berlin';
/** The current week's index: the default window is weeks 0 (twelve weeks ago) to 12 (this one). */
const NOW_WEEK = 12;

/** Today's weekday in the project's calendar, Monday 0. */
const todayWeekday = () => (new Date(`${zonedDay(TZ, 0)}T00:00:00Z`).getUTCDay() + 6) % 7;
/** Day offset from today of weekday `dow` (Monday 0) of week `week`. */
const dayOffset = (week: number, dow: number) => -todayWeekday() - (NOW_WEEK - week) * 7 + dow;

interface Hit {
  user: string;
  /** Identified users send a profile id; the others stay anonymous devices. */
  identified: boolean;
  /** Local day offset from today, and the week index it falls in (by construction, Monday weeks in TZ). */
  offset: number;
  week: number;
  at: number;
}

const hit = (user: string, week: number, dow: number, hour: number, minute = 0): Hit => ({
  user,
  identified: !user.startsWith('anon'),
  offset: dayOffset(week, dow),
  week,
  at: zonedTime(TZ, dayOffset(week, dow), hour, minute),
});
const justNow = (user: string, ago: number): Hit => ({
  user,
  identified: !user.startsWith('anon'),
  offset: 0,
  week: NOW_WEEK,
  at: Date.now() - ago,
});

/**
 * Seven profiles and one anonymous device over the last 13 weeks. u3 comes back on a Sunday
 * night; u4's return is at 00:30 on a Monday in Berlin, still Sunday in UTC (a week earlier
 * by UTC weeks); u5's first event is before the default window.
 */
const HITS: Hit[] = [
  hit('u1', 0, 1, 10),
  hit('u1', 0, 2, 11),
  hit('u1', 1, 0, 9),
  hit('u1', 3, 4, 18),
  hit('u2', 0, 3, 12),
  hit('u3', 2, 6, 23, 30),
  hit('u3', 3, 0, 8),
  hit('u4', 4, 2, 10),
  hit('u4', 6, 0, 0, 30),
  hit('u5', -1, 2, 10),
  hit('u5', 1, 1, 10),
  justNow('u6', 5 * MIN),
  hit('u7', 1, 5, 15),
  hit('u7', 2, 1, 15),
  hit('u7', 2, 2, 15),
  hit('anon-a', 0, 1, 10),
  hit('anon-a', 1, 1, 10),
  justNow('anon-a', 4 * MIN),
];

const round2 = (n: number) => Math.round(n * 100) / 100;
const identified = HITS.filter((h) => h.identified);
const users = [...new Set(identified.map((h) => h.user))];
const weeksOf = (u: string, from: number, to: number) =>
  new Set(identified.filter((h) => h.user === u && h.week >= from && h.week <= to).map((h) => h.week));

/** The week-over-week series of weeks `first`..`last`, counted from the fixture. */
function expectedSeries(first: number, last: number) {
  const out = [];
  for (let w = first; w <= last; w++) {
    const active = users.filter((u) => weeksOf(u, first, last).has(w));
    const retained = active.filter((u) => weeksOf(u, first, last + 1).has(w + 1));
    out.push({
      active_users: active.length,
      retained_users: retained.length,
      retention: active.length ? round2((100 * retained.length) / active.length) : 0,
    });
  }
  return out;
}

/** The cohort table of weeks `first`..`first + n - 1`, returns read up to `first + 2n - 2`, from the fixture. */
function expectedCohorts(first: number, n: number) {
  const values = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const u of users) {
    const inWindow = [...weeksOf(u, first, first + n - 1)];
    if (inWindow.length === 0) continue;
    const cohort = Math.min(...inWindow);
    const last = Math.max(...weeksOf(u, first, first + 2 * n - 2));
    for (let k = 0; k <= last - cohort && k < n; k++) values[cohort - first][k]++;
  }
  const sizes = values.map((v) => v[0]);
  const mean = sizes.reduce((a, b) => a + b, 0) / n;
  const rates = values[0].map((_, k) => {
    const mature = sizes.map((_, i) => i).filter((i) => first + i + k <= NOW_WEEK);
    const pooled = mature.reduce((a, i) => a + sizes[i], 0);
    return pooled ? mature.reduce((a, i) => a + values[i][k], 0) / pooled : 0;
  });
  return [
    { cohort_interval: 'Weighted Average', sum: round2(mean), values: rates.map((r) => round2(r * mean)), percentages: rates.map(round2) },
    ...values.map((v, i) => ({ sum: sizes[i], values: v, percentages: v.map((x) => (sizes[i] ? round2(x / sizes[i]) : 0)) })),
  ];
}

describe('Insights: retention, cohorts, active users, engagement', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let reader: Credentials;

  const get = (url: string, as: Credentials = reader) => t.app.inject({ method: 'GET', url, headers: authHeaders(as) });
  const ok = async (url: string, as?: Credentials) => {
    const res = await get(url, as);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  /** `YYYY-MM-DD` of the Monday of week `week`. */
  const monday = (week: number) => zonedDay(TZ, dayOffset(week, 0));

  beforeAll(async () => {
    p = await createProject(t, { name: 'Insights retention', timezone: TZ });
    reader = await createClient(t, { name: 'retention reader', mode: 'read', projectId: p.id });
    const ips = new Map([...new Set(HITS.map((h) => h.user))].map((u, i) => [u, `81.2.69.${10 + i}`]));
    for (const h of HITS) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/track',
        headers: {
          ...authHeaders(p.writeClient),
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0',
          'x-client-ip': ips.get(h.user)!,
        },
        payload: {
          type: 'track',
          payload: {
            name: 'screen_view',
            ...(h.identified ? { profileId: h.user } : {}),
            properties: { __timestamp: new Date(h.at).toISOString(), __path: 'https://app.example.com/' },
          },
        },
      });
      expect(res.statusCode).toBe(200);
    }
    await drainEvents(t);
  });

  it('retention: every Monday week of the default window, profiles only, the next week read past the window', async () => {
    const body = await ok(`/insights/${p.id}/retention`);
    expect(body.map((r: { date: string }) => r.date.slice(0, 10))).toEqual(Array.from({ length: 13 }, (_, w) => monday(w)));
    expect(body.map(({ date: _d, ...r }: { date: string }) => r)).toEqual(expectedSeries(0, NOW_WEEK));
    // u1 and u2 in week 0, u1 back in week 1; u4's Monday-night return is week 6 in Berlin, so week 4 keeps nobody.
    expect(body[0]).toMatchObject({ active_users: 2, retained_users: 1, retention: 50 });
    expect(body[4]).toMatchObject({ active_users: 1, retained_users: 0 });
    expect(body[6]).toMatchObject({ active_users: 1 });
    expect(body[0].date).toMatch(/T00:00:00\.000\+0[12]:00$/);
  });

  it('retention: a window of dates, the week after it read for the last one', async () => {
    const body = await ok(`/insights/${p.id}/retention?startDate=${monday(1)}&endDate=${zonedDay(TZ, dayOffset(2, 6))}`);
    expect(body.map(({ date: _d, ...r }: { date: string }) => r)).toEqual(expectedSeries(1, 2));
  });

  it('retention by month: the current month and the twelve before it', async () => {
    const body = await ok(`/insights/${p.id}/retention?interval=month`);
    expect(body).toHaveLength(13);
    const monthOf = (offset: number) => zonedDay(TZ, offset).slice(0, 7);
    const months = body.map((r: { date: string }) => r.date.slice(0, 7));
    expect(months[12]).toBe(monthOf(0));
    const expected = months.map((m: string, i: number) => {
      const active = users.filter((u) => identified.some((h) => h.user === u && monthOf(h.offset) === m));
      const retained = active.filter((u) => identified.some((h) => h.user === u && monthOf(h.offset) === months[i + 1]));
      return { active: active.length, retained: i < 12 ? retained.length : 0 };
    });
    expect(
      body.map((r: { active_users: number; retained_users: number }) => ({ active: r.active_users, retained: r.retained_users })),
    ).toEqual(expected);
  });

  it('retention by day over 13 weeks: more periods than one 64-bit word holds', async () => {
    const from = dayOffset(0, 0);
    const body = await ok(`/insights/${p.id}/retention?interval=day&startDate=${zonedDay(TZ, from)}&endDate=${zonedDay(TZ, 0)}`);
    expect(body).toHaveLength(1 - from);
    const daysOf = (u: string) => new Set(identified.filter((h) => h.user === u && h.offset >= from).map((h) => h.offset));
    const expected = body.map((_: unknown, i: number) => {
      const active = users.filter((u) => daysOf(u).has(from + i));
      return [active.length, active.filter((u) => daysOf(u).has(from + i + 1)).length];
    });
    expect(body.map((r: { active_users: number; retained_users: number }) => [r.active_users, r.retained_users])).toEqual(expected);
    expect(expected.filter(([, retained]: number[]) => retained > 0).length).toBeGreaterThan(0);
  });

  it('retention/cohort: weighted average first, then every week, "on or after", fractions 0-1', async () => {
    const body = await ok(`/insights/${p.id}/retention/cohort`);
    expect(body).toHaveLength(14);
    const expected = expectedCohorts(0, 13);
    expect(body[0]).toEqual(expected[0]);
    expect(body.slice(1).map((r: { cohort_interval: string }) => r.cohort_interval.slice(0, 10))).toEqual(
      Array.from({ length: 13 }, (_, w) => monday(w)),
    );
    expect(body.slice(1).map(({ cohort_interval: _c, ...r }: { cohort_interval: string }) => r)).toEqual(expected.slice(1));
    // Week 0: u1 (seen again in week 3) and u2; u5's cohort is week 1 (its earlier event is before the window).
    expect(body[1]).toMatchObject({
      sum: 2,
      values: [2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      percentages: [1, 0.5, 0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    });
    expect(body[2]).toMatchObject({ sum: 2, values: [2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] });
    expect(body[5].values.slice(0, 4)).toEqual([1, 1, 1, 0]);
  });

  it('retention/cohort: a window of dates reads returns after it', async () => {
    const body = await ok(`/insights/${p.id}/retention/cohort?startDate=${monday(2)}&endDate=${zonedDay(TZ, dayOffset(4, 6))}`);
    const expected = expectedCohorts(2, 3);
    expect(body[0]).toEqual(expected[0]);
    expect(body.slice(1).map(({ cohort_interval: _c, ...r }: { cohort_interval: string }) => r)).toEqual(expected.slice(1));
    // u4: cohort week 4, back in week 6, after the window.
    expect(body[3]).toMatchObject({ sum: 1, values: [1, 1, 1] });
  });

  it('retention/cohort by day: one row per day of the window', async () => {
    const body = await ok(
      `/insights/${p.id}/retention/cohort?interval=day&startDate=${zonedDay(TZ, dayOffset(2, 1))}&endDate=${zonedDay(TZ, dayOffset(2, 2))}`,
    );
    // u7 on Tuesday and Wednesday of week 2: a cohort of one back the next day.
    expect(body.slice(1).map((r: { sum: number; values: number[] }) => [r.sum, r.values])).toEqual([
      [1, [1, 1]],
      [0, [0, 0]],
    ]);
  });

  /** Rolling distinct actors (profiles, anonymous devices) per day offset, from the fixture. */
  const rolling = (from: number, to: number, days: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => {
      const d = from + i;
      return { date: zonedDay(TZ, d), users: new Set(HITS.filter((h) => h.offset > d - days && h.offset <= d).map((h) => h.user)).size };
    });
  const seriesOf = (body: { series: { date: string; users: number }[] }) =>
    body.series.map((s) => ({ date: s.date.slice(0, 10), users: s.users }));

  it('active_users: the last 30 days, today last, anonymous devices counted, nothing after today', async () => {
    const body = await ok(`/insights/${p.id}/active_users`);
    expect(body.window_days).toBe(7);
    expect(body.label).toBe('WAU');
    expect(seriesOf(body)).toEqual(rolling(-29, 0, 7));
    expect(body.series.at(-1).users).toBe(2); // u6 and the anonymous device, today
  });

  it('active_users: a window of dates reaches back `days` days before it', async () => {
    const start = dayOffset(0, 0);
    const body = await ok(`/insights/${p.id}/active_users?days=30&startDate=${zonedDay(TZ, start)}&endDate=${zonedDay(TZ, start + 9)}`);
    expect(body.label).toBe('MAU');
    expect(seriesOf(body)).toEqual(rolling(start, start + 9, 30));
    expect(body.series[0].users).toBe(1); // u5, five days before the window
    const dau = await ok(`/insights/${p.id}/active_users?days=1&startDate=${zonedDay(TZ, start)}&endDate=${zonedDay(TZ, start + 9)}`);
    expect(dau.label).toBe('DAU');
    expect(seriesOf(dau)).toEqual(rolling(start, start + 9, 1));
    expect((await ok(`/insights/${p.id}/active_users?days=12&range=7d`)).label).toBe('12d active');
  });

  it('active_users over 90 days of 60: several 64-bit words', async () => {
    const from = dayOffset(0, 0);
    const body = await ok(`/insights/${p.id}/active_users?days=60&startDate=${zonedDay(TZ, from)}&endDate=${zonedDay(TZ, 0)}`);
    expect(seriesOf(body)).toEqual(rolling(from, 0, 60));
  });

  it('engagement: identified profiles by days since last seen', async () => {
    const body = await ok(`/insights/${p.id}/engagement`);
    const last = users.map((u) => -Math.max(...identified.filter((h) => h.user === u).map((h) => h.offset)));
    const count = (lo: number, hi: number) => last.filter((d) => d >= lo && d <= hi).length;
    expect(body.summary).toEqual({
      total_identified_users: users.length,
      active_last_7_days: count(0, 7),
      active_8_to_14_days: count(8, 14),
      active_15_to_30_days: count(15, 30),
      inactive_31_to_60_days: count(31, 60),
      churned_60_plus_days: count(61, Infinity),
    });
    const distribution = [...new Set(last)].sort((a, b) => a - b).map((days) => ({ days, users: last.filter((d) => d === days).length }));
    expect(body.distribution).toEqual(distribution);
  });

  it('bad input is a 400 in the API shape; write clients 401, unknown projects 404', async () => {
    for (const bad of [
      'active_users?days=0',
      'active_users?days=91',
      'active_users?days=abc',
      'retention?interval=hour',
      'retention/cohort?interval=year',
      'retention?range=forever',
      'retention/cohort?startDate=2024-02-30',
      'retention/cohort?interval=day&startDate=2020-01-01&endDate=2024-01-01',
      'active_users?startDate=2020-01-01&endDate=2024-01-01',
    ]) {
      const res = await get(`/insights/${p.id}/${bad}`);
      expect([bad, res.statusCode, res.json().status]).toEqual([bad, 400, 400]);
      expect(typeof res.json().message).toBe('string');
    }
    expect((await get(`/insights/${p.id}/retention`, p.writeClient)).statusCode).toBe(401);
    expect((await get(`/insights/no-such-project/engagement`, t.root)).statusCode).toBe(404);
    expect((await get(`/insights/${p.id}/retention/cohort`, t.root)).statusCode).toBe(200);
  });
});
