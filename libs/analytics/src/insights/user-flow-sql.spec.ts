import { HOSTILE, sqlIsClean } from '../../test/hostile';
import { buildUserFlowSql, type UserFlowQuery } from './user-flow-sql';

const scope = {
  projectId: 'p1',
  timezone: 'UTC',
  range: { start: new Date('2024-04-01T00:00:00Z'), end: new Date('2024-04-08T00:00:00Z') },
};

describe('user flow SQL', () => {
  it('binds every name, in every mode, with include and exclude', () => {
    for (const h of HOSTILE) {
      for (const mode of ['after', 'before', 'between'] as const) {
        const q: UserFlowQuery = { startEvent: h, endEvent: `${h}!`, mode, steps: 5, include: [h, 'a'], exclude: [h] };
        const { sql, params } = buildUserFlowSql('db', scope, q);
        expect(sqlIsClean(sql)).toBe(true);
        expect(Object.values(params)).toEqual(expect.arrayContaining([h, `${h}!`]));
        const excluded = buildUserFlowSql('db', scope, { ...q, include: undefined });
        expect(sqlIsClean(excluded.sql)).toBe(true);
        expect(excluded.sql).toContain('NOT has(');
      }
    }
  });

  it('reads 30 minutes past both ends of the window, so sessions at the edges are cut as the builder cuts them', () => {
    const { params } = buildUserFlowSql('db', scope, { startEvent: 'a', mode: 'after', steps: 5 });
    expect(params.from).toBe('2024-03-31 23:30:00.000');
    expect(params.to).toBe('2024-04-08 00:30:00.000');
    expect(params.startMs).toBe(String(scope.range.start.getTime()));
    expect(params.steps).toBe('5');
  });

  it('one pass over the events, grouped by device, no join', () => {
    const { sql } = buildUserFlowSql('db', scope, { startEvent: 'a', mode: 'after', steps: 5 });
    // The events once for the paths, and their names once for the list of names.
    expect(sql.match(/FROM db\.events/g)).toHaveLength(2);
    expect(
      buildUserFlowSql('db', scope, { startEvent: 'a', mode: 'after', steps: 5, include: ['b'] }).sql.match(/FROM db\.events/g),
    ).toHaveLength(1);
    expect(sql).not.toMatch(/JOIN/);
    expect(sql).toContain('GROUP BY cityHash64(e.device_id), e.device_id');
  });

  it('between without an end event is a programming error here (the route answers 400 before)', () => {
    expect(() => buildUserFlowSql('db', scope, { startEvent: 'a', mode: 'between', steps: 5 })).toThrow();
  });
});
