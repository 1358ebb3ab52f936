import { HOSTILE, sqlIsClean } from '../test/hostile';
import { invalidPath } from '../test/invalid';
import { buildChartSql } from './chart-sql';
import { CHART_QUERY_SETTINGS } from './settings';
import { type ChartQuery, SEGMENTS } from './types';

const NOW = new Date('2024-04-03T10:00:00Z');
const OPTS = { database: 'analytics', now: NOW };

/** A hostile string as a pattern RE2 accepts: a trailing lone backslash is refused before any SQL. */
const asPattern = (h: string) => h.slice(0, 1000).replace(/\\$/, '\\\\');

function query(overrides: Partial<ChartQuery> = {}): ChartQuery {
  return {
    projectId: 'p1',
    timezone: 'UTC',
    events: [{ name: 'screen_view', segment: 'event', filters: [] }],
    breakdowns: [],
    interval: 'day',
    range: '7d',
    previous: false,
    ...overrides,
  };
}

describe('buildChartSql', () => {
  it('emits one statement per series, and one more per series for the previous period', () => {
    const events = [
      { name: 'a', segment: 'event' as const, filters: [] },
      { name: 'b', segment: 'user' as const, filters: [] },
    ];
    expect(buildChartSql(query({ events }), OPTS).map((s) => [s.series, s.period])).toEqual([
      [0, 'current'],
      [1, 'current'],
    ]);
    const both = buildChartSql(query({ events, previous: true }), OPTS);
    expect(both.map((s) => [s.series, s.period])).toEqual([
      [0, 'current'],
      [0, 'previous'],
      [1, 'current'],
      [1, 'previous'],
    ]);
    expect(both[0].sql).toBe(both[1].sql.replace("'previous'", "'current'"));
    expect(both[0].params).toMatchObject({ start: '2024-03-28 00:00:00.000', end: '2024-04-04 00:00:00.000' });
    expect(both[1].params).toMatchObject({ start: '2024-03-21 00:00:00.000', end: '2024-03-28 00:00:00.000' });
  });

  it.each(SEGMENTS)('segment %s: constrained to the project, bucketed in the zone, capped', (segment) => {
    const [stmt] = buildChartSql(
      query({ timezone: 'europe/berlin', events: [{ name: 'x', segment, property: 'properties.total', filters: [] }] }),
      OPTS,
    );
    expect(stmt.sql).toContain('e.project_id = {projectId:String}');
    expect(stmt.sql).toContain("e.created_at >= {start:DateTime64(3, 'UTC')} AND e.created_at < {end:DateTime64(3, 'UTC')}");
    expect(stmt.sql).toContain('toStartOfDay(e.created_at, {tz:String})');
    expect(stmt.sql).toContain('FROM analytics.events AS e');
    expect(stmt.sql).not.toContain('JOIN');
    expect(stmt.sql).toMatch(/SETTINGS max_execution_time = 30, .*max_result_rows = 500000, result_overflow_mode = 'throw'$/);
    expect(stmt.params).toMatchObject({ projectId: 'p1', tz: 'Europe/Berlin', p0: 'x' });
  });

  it('aggregates each segment as documented', () => {
    const sqlOf = (segment: (typeof SEGMENTS)[number]) =>
      buildChartSql(query({ events: [{ name: 'x', segment, property: 'properties.total', filters: [] }] }), OPTS)[0].sql;
    expect(sqlOf('event')).toContain('count() AS value');
    expect(sqlOf('user')).toContain("uniqExact(if(e.profile_id != '', e.profile_id, e.device_id))");
    expect(sqlOf('session')).toContain("uniqExactIf(e.session_id, e.session_id != '')");
    expect(sqlOf('user_average')).toContain("count() / uniqExact(if(e.profile_id != '', e.profile_id, e.device_id))");
    expect(sqlOf('one_event_per_user')).toContain('LIMIT 1 BY actor');
    expect(sqlOf('property_sum')).toContain('sum(assumeNotNull(toFloat64OrNull(e.properties[{k1:String}])))');
    expect(sqlOf('property_sum')).toContain('isFinite(toFloat64OrNull(e.properties[{k1:String}]))');
    expect(sqlOf('property_average')).toContain('avg(');
    expect(sqlOf('property_min')).toContain('min(');
    expect(sqlOf('property_max')).toContain('max(');
  });

  it("omits the name predicate for '*' and joins profiles only when needed", () => {
    const [all] = buildChartSql(query({ events: [{ name: '*', segment: 'event', filters: [] }] }), OPTS);
    expect(all.sql).not.toContain('e.name =');
    const [joined] = buildChartSql(query({ breakdowns: [{ name: 'profile.properties.plan' }] }), OPTS);
    expect(joined.sql).toContain(
      'LEFT JOIN (SELECT id, first_name, last_name, email, avatar, properties, is_external FROM analytics.profiles FINAL WHERE project_id = {projectId:String}) AS p ON p.id = e.profile_id',
    );
    expect(joined.sql).toContain('dense_rank() OVER (ORDER BY group_total DESC, b0)');
    expect(joined.sql).toContain('WHERE group_rank <= 50');
  });

  it('never splices hostile names, keys, values or breakdowns into SQL', () => {
    for (const hostile of HOSTILE) {
      const stmts = buildChartSql(
        query({
          projectId: hostile,
          previous: true,
          events: [
            {
              name: hostile,
              segment: 'property_sum',
              property: `properties.${hostile}`,
              filters: [{ name: `profile.properties.${hostile}`, operator: 'regex', value: [asPattern(hostile)] }],
            },
            { name: 'ok', segment: 'event', filters: [{ name: `properties.${hostile}`, operator: 'is', value: [hostile, hostile] }] },
          ],
          breakdowns: [{ name: `properties.${hostile}` }],
        }),
        OPTS,
      );
      for (const s of stmts) {
        expect(sqlIsClean(s.sql)).toBe(true);
        expect(Object.values(s.params)).toContain(hostile);
        expect(Object.keys(s.params).every((k) => /^[a-z_A-Z]+\d*$/.test(k))).toBe(true);
      }
    }
  });

  it.each<[string, Partial<ChartQuery>, (string | number)[]]>([
    [
      'unknown filter field',
      { events: [{ name: 'x', segment: 'event', filters: [{ name: 'password', operator: 'is', value: ['a'] }] }] },
      ['events', 0, 'filters', 0, 'name'],
    ],
    ['unknown breakdown', { breakdowns: [{ name: 'country' }, { name: 'nope' }] }, ['breakdowns', 1, 'name']],
    ['property segment without property', { events: [{ name: 'x', segment: 'property_sum', filters: [] }] }, ['events', 0, 'property']],
    [
      'unknown property field',
      { events: [{ name: 'x', segment: 'property_max', property: 'total', filters: [] }] },
      ['events', 0, 'property'],
    ],
    ['missing event name', { events: [{ name: '', segment: 'event', filters: [] }] }, ['events', 0, 'name']],
    ['unknown segment', { events: [{ name: 'x', segment: 'median' as never, filters: [] }] }, ['events', 0, 'segment']],
    ['no events', { events: [] }, ['events']],
    ['bad zone', { timezone: 'Nowhere/Else' }, ['timezone']],
    ['too many buckets', { interval: 'minute', range: '7d' }, ['interval']],
    ['bad interval', { interval: 'year' as never }, ['interval']],
    ['bad custom range', { range: { startDate: '2024-13-01', endDate: '2024-12-01' } }, ['startDate']],
  ])('rejects %s at its path', (_title, overrides, path) => {
    expect(invalidPath(() => buildChartSql(query(overrides), OPTS))).toEqual(path);
  });

  it('refuses, before any statement, a chart of more values than an answer holds, saying what to narrow', () => {
    const events = Array.from({ length: 20 }, (_, i) => ({ id: String(i), name: '*', segment: 'event' as const, filters: [] }));
    const big = query({
      events,
      interval: 'hour',
      range: '12m',
      previous: true,
      breakdowns: [{ name: 'properties.i' }, { name: 'profileId' }, { name: 'path' }],
    });
    let error: unknown;
    try {
      buildChartSql(big, OPTS);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ kind: 'bad_request' });
    expect((error as Error).message).toMatch(
      /^This chart would hold 35\d{4} values \(20 series x 87\d\d \+ 87\d\d previous hour buckets\) and an answer holds at most 200000: .*coarser interval.*previous=false/,
    );
    // A year of hours for 20 series fits without the previous period: every existing request does.
    expect(buildChartSql(query({ events, interval: 'hour', range: '12m' }), OPTS)).toHaveLength(20);
  });

  it('keeps as many breakdown groups per series as fit in the cap, at most 50', () => {
    const events = Array.from({ length: 20 }, () => ({ name: '*', segment: 'event' as const, filters: [] }));
    const groups = (q: Partial<ChartQuery>) =>
      Number(/group_rank <= (\d+)/.exec(buildChartSql(query({ breakdowns: [{ name: 'path' }], ...q }), OPTS)[0].sql)?.[1]);
    expect(groups({})).toBe(50);
    // 20 series x (720 + 720) hourly values of 30 days: 6 groups each, 172,800 values at most.
    expect(groups({ events, interval: 'hour', range: '30d', previous: true })).toBe(6);
    expect(groups({ interval: 'hour', range: '12m' })).toBe(22);
  });

  it('documents its caps as a constant', () => {
    expect(CHART_QUERY_SETTINGS).toMatchObject({ max_execution_time: 30, max_memory_usage: 2_000_000_000, max_result_rows: 500_000 });
  });

  it('refuses a database name that is not an identifier', () => {
    expect(() => buildChartSql(query(), { database: 'x; DROP', now: NOW })).toThrow('invalid ClickHouse database name');
  });
});
