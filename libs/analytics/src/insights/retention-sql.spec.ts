import { HOSTILE, sqlIsClean } from '../../test/hostile';
import { invalidDetails as details } from '../../test/invalid';
import {
  buildActiveUsersSql,
  buildEngagementSql,
  buildRetentionCohortSql,
  buildRetentionSeriesSql,
  defaultRetentionRange,
  retentionBuckets,
} from './retention-sql';

const TZ = 'Europe/Berlin';
/** Monday 2024-03-18 to Sunday 2024-04-07 in Berlin: three weeks, clocks change on 31 March. */
const range = { start: new Date('2024-03-17T23:00:00Z'), end: new Date('2024-04-07T22:00:00Z') };
const scope = { projectId: 'p1', timezone: TZ, range };

describe('retention SQL', () => {
  it('the default window is the current period and the twelve before it, to the end of today', () => {
    const now = new Date('2024-04-10T12:00:00Z'); // a Wednesday
    const week = defaultRetentionRange('week', TZ, now);
    expect(week).toEqual({ start: new Date('2024-01-14T23:00:00Z'), end: new Date('2024-04-10T22:00:00Z') });
    expect(retentionBuckets({ ...scope, range: week }, 'week')).toHaveLength(13);
    expect(defaultRetentionRange('month', TZ, now).start).toEqual(new Date('2023-03-31T22:00:00Z'));
    expect(defaultRetentionRange('day', TZ, now).start).toEqual(new Date('2024-03-28T23:00:00Z'));
  });

  it('cohorts: one scan grouped by profile, bucket starts as indexes, returns read a window past the end', () => {
    const { sql, params } = buildRetentionCohortSql('db', scope, 'week');
    expect(sql.match(/FROM db\.events/g)).toHaveLength(1);
    expect(sql).toContain("e.profile_id != ''");
    expect(sql).toContain('toStartOfWeek(first_at, 1, {tz:String})');
    expect(sql).toContain("GROUP BY sipHash128(e.profile_id)) WHERE first_at >= {start:DateTime64(3, 'UTC')}");
    // 2 × 3 - 1 = 5 Mondays (the 1 April one an hour earlier in UTC), read up to the end of the fifth week.
    expect(params.starts).toBe(
      `[${['2024-03-17T23:00:00Z', '2024-03-24T23:00:00Z', '2024-03-31T22:00:00Z', '2024-04-07T22:00:00Z', '2024-04-14T22:00:00Z']
        .map((d) => Date.parse(d) / 1000)
        .join(',')}]`,
    );
    expect(params.readEnd).toBe('2024-04-21 22:00:00.000');
    expect(params.tz).toBe(TZ);
  });

  it('week over week reads one bucket past the window; active users reach back days - 1 days', () => {
    const series = buildRetentionSeriesSql('db', scope, 'week');
    expect(series.params.readEnd).toBe('2024-04-14 22:00:00.000');
    expect(series.sql.match(/FROM db\.events/g)).toHaveLength(1);
    const active = buildActiveUsersSql('db', scope, 7);
    expect(active.params).toMatchObject({ readStart: '2024-03-11 23:00:00.000', fromDay: '2024-03-12' });
    // 21 days and the 6 before: one word; day 0 of the window counts bits 0-6, the last bits 20-26.
    const masks = JSON.parse(active.params.masks) as number[][];
    expect(masks).toHaveLength(21);
    expect([masks[0], masks[20]]).toEqual([[0x7f], [0x7f * 2 ** 20]]);
    // Days map to weeks (the last week, after the window, included): 7 days per week, 28 in all.
    expect(JSON.parse(series.params.dayBuckets)).toEqual([0, 1, 2, 3].flatMap((w) => new Array(7).fill(w)));
    expect(active.sql.match(/FROM db\.events/g)).toHaveLength(1);
    expect(details(() => buildActiveUsersSql('db', scope, 91))).toEqual([
      { path: ['days'], message: 'days must be an integer from 1 to 90' },
    ]);
  });

  it('refuses windows of too many periods with a 400', () => {
    const long = { ...scope, range: { start: new Date('2020-01-01T00:00:00Z'), end: new Date('2024-01-01T00:00:00Z') } };
    expect(details(() => buildRetentionCohortSql('db', long, 'day'))[0]).toMatchObject({
      path: ['interval'],
      message: expect.stringContaining('At most 120 intervals'),
    });
    expect(details(() => buildActiveUsersSql('db', long, 7))[0]).toMatchObject({
      path: ['startDate'],
      message: expect.stringContaining('At most 400 days'),
    });
    expect(() => buildRetentionCohortSql('db', long, 'month')).not.toThrow();
  });

  it('splices no request text, whatever it holds', () => {
    for (const h of HOSTILE) {
      const s = { ...scope, projectId: h };
      for (const st of [
        buildRetentionSeriesSql('db', s, 'week'),
        buildRetentionCohortSql('db', s, 'month'),
        buildActiveUsersSql('db', s, 30),
        buildEngagementSql('db', h, TZ, new Date()),
      ])
        expect(sqlIsClean(st.sql)).toBe(true);
    }
  });
});
