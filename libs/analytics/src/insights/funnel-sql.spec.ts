import { HOSTILE, sqlIsClean } from '../../test/hostile';
import { QueryValidationError } from '../errors';
import { buildFunnelSql, type FunnelQuery, funnelAnswer } from './funnel-sql';

const range = { start: new Date('2024-04-14T22:00:00Z'), end: new Date('2024-04-18T22:00:00Z') };
const scope = { projectId: 'p1', timezone: 'Europe/Berlin', range };
const query = (over: Partial<FunnelQuery> = {}): FunnelQuery => ({
  steps: [{ name: 'view' }, { name: 'checkout', filters: [{ name: 'properties.plan', operator: 'is', value: ['pro'] }] }],
  windowHours: 24,
  groupBy: 'session_id',
  nonStrictOrdering: false,
  ...over,
});

const details = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(QueryValidationError);
    return (e as QueryValidationError).details ?? [];
  }
  throw new Error('expected a validation error');
};

describe('funnel SQL', () => {
  it('one row per matched step, a strict key that orders later steps first within a millisecond, the window in key units', () => {
    const { sql, params } = buildFunnelSql('db', scope, query());
    expect(sql).toContain(
      'arrayFilter(k -> k > 0, [if(e.name = {p0:String}, 1, 0), if((e.name = {p3:String} AND (e.properties[{k1:String}] = {p2:String})), 2, 0)])',
    );
    expect(sql).toContain('e.name IN ({p4:String}, {p5:String})');
    expect(sql).toContain(
      `windowFunnel(${24 * 3_600_000 * 16}, 'strict_increase')(toUInt64((toUnixTimestamp64Milli(r.at) - toUnixTimestamp64Milli({start:DateTime64(3, 'UTC')})) * 16 + (15 - k)), k = 1, k = 2)`,
    );
    expect(sql).toContain('ASOF INNER JOIN');
    expect(sql).toMatch(/WHERE level > 0 GROUP BY level ORDER BY level SETTINGS readonly = 2/);
    expect(params).toMatchObject({ p0: 'view', p3: 'checkout', k1: 'plan', p2: 'pro', projectId: 'p1' });
  });

  it('non-strict: the slot is the step and the window leaves room for it; profiles: identified events only, no sessions', () => {
    const { sql } = buildFunnelSql('db', scope, query({ nonStrictOrdering: true, groupBy: 'profile_id', windowHours: 1 }));
    expect(sql).toContain(`windowFunnel(${3_600_000 * 16 + 15}, 'strict_increase')`);
    expect(sql).toContain(' * 16 + (k))');
    expect(sql).toContain("WHERE v.profile_id != ''");
    expect(sql).not.toContain('sessions');
  });

  it('joins the profiles when a filter reads them', () => {
    expect(buildFunnelSql('db', scope, query()).sql).not.toContain('profiles');
    const steps = [{ name: 'a' }, { name: 'b', filters: [{ name: 'profile.email', operator: 'isNotNull' as const, value: [] }] }];
    expect(buildFunnelSql('db', scope, query({ steps })).sql).toContain('LEFT JOIN (SELECT id, first_name');
  });

  it('refuses bad steps, windows, groups and filters with a path', () => {
    expect(details(() => buildFunnelSql('db', scope, query({ steps: [{ name: 'a' }] })))).toEqual([
      { path: ['steps'], message: 'steps must have between 2 and 10 items' },
    ]);
    expect(details(() => buildFunnelSql('db', scope, query({ windowHours: 721 })))[0]?.path).toEqual(['windowHours']);
    expect(details(() => buildFunnelSql('db', scope, query({ groupBy: 'device_id' as never })))[0]?.path).toEqual(['groupBy']);
    const steps = [{ name: 'a' }, { name: 'b', filters: [{ name: 'nope', operator: 'is' as const, value: ['x'] }] }];
    expect(details(() => buildFunnelSql('db', scope, query({ steps })))[0]?.path).toEqual(['steps', 1, 'filters', 0, 'name']);
  });

  it('splices no request text, whatever it holds', () => {
    for (const h of HOSTILE) {
      const f = [{ name: `properties.${h}`, operator: 'contains' as const, value: [h] }];
      const s = buildFunnelSql('db', { ...scope, projectId: h, filters: f }, query({ steps: [{ name: h, filters: f }, { name: h }] }));
      expect(sqlIsClean(s.sql)).toBe(true);
    }
  });
});

describe('funnel answer', () => {
  it('makes levels cumulative, percents of step 1 and of each step, the first largest drop by count', () => {
    // 10 sessions: 4 stop at step 1, 2 at step 2, 4 complete
    expect(
      funnelAnswer(
        ['a', 'b', 'c'],
        [
          { level: 1, count: 4 },
          { level: 2, count: 2 },
          { level: 3, count: 4 },
        ],
      ),
    ).toEqual({
      steps: [
        { step: 1, eventName: 'a', users: 10, conversionRateFromStart: 100, dropoffPercent: 40, isHighestDropoff: true },
        { step: 2, eventName: 'b', users: 6, conversionRateFromStart: 60, dropoffPercent: 33.33, isHighestDropoff: false },
        { step: 3, eventName: 'c', users: 4, conversionRateFromStart: 40, dropoffPercent: null, isHighestDropoff: false },
      ],
      totalUsers: 10,
      completedUsers: 4,
      overallConversionRate: 40,
    });
  });

  it('ties go to the first step; no drop, no highest; nothing reached: zeros', () => {
    const tie = funnelAnswer(
      ['a', 'b', 'c'],
      [
        { level: 1, count: 1 },
        { level: 2, count: 1 },
        { level: 3, count: 1 },
      ],
    );
    expect(tie.steps.map((s) => s.isHighestDropoff)).toEqual([true, false, false]);
    expect(funnelAnswer(['a', 'b'], [{ level: 2, count: 3 }]).steps.map((s) => s.isHighestDropoff)).toEqual([false, false]);
    expect(funnelAnswer(['a', 'b'], [])).toEqual({
      steps: [
        { step: 1, eventName: 'a', users: 0, conversionRateFromStart: 0, dropoffPercent: 0, isHighestDropoff: false },
        { step: 2, eventName: 'b', users: 0, conversionRateFromStart: 0, dropoffPercent: null, isHighestDropoff: false },
      ],
      totalUsers: 0,
      completedUsers: 0,
      overallConversionRate: 0,
    });
  });
});
