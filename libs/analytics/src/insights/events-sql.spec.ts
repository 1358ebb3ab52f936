import { HOSTILE, sqlIsClean } from '../../test/hostile';
import { buildEventNamesSql, buildEventPropertiesSql, buildInsightEventsSql, buildPropertyValuesSql } from './events-sql';

const range = { start: new Date('2024-04-14T22:00:00Z'), end: new Date('2024-04-18T22:00:00Z') };
const scope = { projectId: 'p1', timezone: 'Europe/Berlin', range };

describe('insights events SQL', () => {
  it('lists newest first, ties by id, every predicate a placeholder', () => {
    const { sql, params } = buildInsightEventsSql('db', {
      scope: { ...scope, filters: [{ name: 'properties.button', operator: 'is', value: ['buy'] }] },
      eventNames: ['click', 'signup'],
      equals: { path: '/pricing', profile_id: '123' },
      properties: { plan: 'pro' },
      page: { limit: 20, offset: 40 },
    });
    expect(sql).toContain(
      "WHERE e.project_id = {projectId:String} AND e.created_at >= {start:DateTime64(3, 'UTC')} AND e.created_at < {end:DateTime64(3, 'UTC')} " +
        'AND e.name IN ({p0:String}, {p1:String}) AND e.path = {p2:String} AND e.profile_id = {p3:String} ' +
        'AND e.properties[{k4:String}] = {p5:String} AND (e.properties[{k6:String}] = {p7:String}) ' +
        'ORDER BY e.created_at DESC, toString(e.id) DESC LIMIT {limit:UInt32} OFFSET {offset:UInt64}',
    );
    expect(params).toMatchObject({ p3: '123', k4: 'plan', p5: 'pro', limit: '20', offset: '40', start: '2024-04-14 22:00:00.000' });
  });

  it('splices no request text, whatever it holds', () => {
    for (const h of HOSTILE) {
      const statements = [
        buildInsightEventsSql('db', {
          scope: { ...scope, projectId: h, filters: [{ name: `properties.${h}`, operator: 'contains', value: [h] }] },
          eventNames: [h],
          equals: { city: h },
          properties: { [h]: h },
          page: { limit: 1, offset: 0 },
        }),
        buildEventNamesSql('db', h),
        buildEventPropertiesSql('db', h, range.start, h),
        buildPropertyValuesSql('db', h, h, h),
      ];
      for (const s of statements) expect(sqlIsClean(s.sql)).toBe(true);
    }
  });

  it('property values leave out the bookkeeping keys, bound as values', () => {
    const { sql, params } = buildPropertyValuesSql('db', 'p1', 'screen_view', '__duration_from');
    expect(sql).toContain("AND value != '' AND {k0:String} NOT IN ({p1:String}, {p2:String})");
    expect(params).toMatchObject({ k0: '__duration_from', p1: '__duration_from', p2: '__properties_from' });
  });

  it('refuses a column outside the equality list (a programming error, not a request)', () => {
    expect(() => buildInsightEventsSql('db', { scope, equals: { 'name; DROP': 'x' } as never, page: { limit: 1, offset: 0 } })).toThrow(
      'not an equality column',
    );
  });
});
