import { HOSTILE, sqlIsClean } from '../test/hostile';
import { invalidDetails as details } from '../test/invalid';
import { QueryValidationError } from './errors';
import { knownFieldNames, resolveField } from './fields';
import { compileFilter, compileFilters } from './filters';
import { ParamBag } from './params';
import type { Filter, FilterOperator } from './types';

describe('resolveField', () => {
  it('maps whitelisted columns in both spellings', () => {
    const bag = new ParamBag();
    expect(resolveField('referrerName', bag, []).sql).toBe('e.referrer_name');
    expect(resolveField('referrer_name', bag, []).sql).toBe('e.referrer_name');
    expect(resolveField('os_version', bag, []).sql).toBe('e.os_version');
    expect(resolveField('osVersion', bag, []).sql).toBe('e.os_version');
    expect(resolveField('profile.firstName', bag, []).sql).toBe('p.first_name');
    expect(resolveField('revenue', bag, []).kind).toBe('number');
    expect(knownFieldNames()).toEqual(expect.arrayContaining(['country', 'sdkName', 'profile.email', 'profile.lastName']));
  });

  it('binds property keys as parameters, dots included', () => {
    const bag = new ParamBag();
    expect(resolveField('properties.__query.utm_source', bag, []).sql).toBe('e.properties[{k0:String}]');
    expect(resolveField('profile.properties.plan.tier', bag, []).sql).toBe('p.properties[{k1:String}]');
    expect(bag.params).toEqual({ k0: '__query.utm_source', k1: 'plan.tier' });
  });

  it.each([
    'Country',
    'project_id',
    'projectId',
    'e.country',
    'country; DROP',
    'profile.password',
    'profile.properties.',
    'properties.',
    '',
    'group',
  ])('rejects %j with its path', (name) => {
    expect(details(() => resolveField(name, new ParamBag(), ['events', 0, 'filters', 2, 'name']))).toEqual([
      { path: ['events', 0, 'filters', 2, 'name'], message: expect.any(String) },
    ]);
  });
});

describe('compileFilter', () => {
  const compile = (f: Filter) => {
    const bag = new ParamBag();
    const c = compileFilter(f, bag, ['filters', 0]);
    return { sql: c?.sql ?? null, params: bag.params };
  };

  it.each<[FilterOperator, string[], string]>([
    ['is', ['a'], 'e.country = {p0:String}'],
    ['is', ['a', 'b'], 'e.country IN ({p0:String}, {p1:String})'],
    ['isNot', ['a', 'b'], 'e.country NOT IN ({p0:String}, {p1:String})'],
    ['contains', ['a', 'b'], '(position(e.country, {p0:String}) > 0 OR position(e.country, {p1:String}) > 0)'],
    ['doesNotContain', ['a', 'b'], '(position(e.country, {p0:String}) = 0 AND position(e.country, {p1:String}) = 0)'],
    ['startsWith', ['a'], 'startsWith(e.country, {p0:String})'],
    ['endsWith', ['a'], 'endsWith(e.country, {p0:String})'],
    ['regex', ['^a+$'], 'match(e.country, {p0:String})'],
    ['isNull', [], "e.country = ''"],
    ['isNotNull', [], "NOT (e.country = '')"],
    ['gt', ['1.5'], 'toFloat64OrNull(e.country) > {p0:Float64}'],
    ['lte', ['-2e3'], 'toFloat64OrNull(e.country) <= {p0:Float64}'],
  ])('%s %j', (operator, value, sql) => {
    expect(compile({ name: 'country', operator, value }).sql).toBe(sql);
  });

  it('tests emptiness by storage type', () => {
    expect(compile({ name: 'revenue', operator: 'isNull', value: [] }).sql).toBe('e.revenue = 0');
    expect(compile({ name: 'latitude', operator: 'isNotNull', value: [] }).sql).toBe('NOT (isNull(e.latitude))');
    expect(compile({ name: 'duration', operator: 'is', value: ['5'] }).sql).toBe('toString(e.duration) = {p0:String}');
    expect(compile({ name: 'duration', operator: 'gte', value: ['5'] }).sql).toBe('toFloat64(e.duration) >= {p0:Float64}');
  });

  it('compares createdAt as an instant and matches groups element by element', () => {
    expect(compile({ name: 'createdAt', operator: 'gte', value: ['2024-04-01T10:00:00+02:00'] })).toEqual({
      sql: "e.created_at >= {p0:DateTime64(3, 'UTC')}",
      params: { p0: '2024-04-01 08:00:00.000' },
    });
    expect(compile({ name: 'created_at', operator: 'is', value: ['2024-04-01'] }).params).toEqual({ p0: '2024-04-01 00:00:00.000' });
    expect(compile({ name: 'createdAt', operator: 'startsWith', value: ['2024-04'] }).sql).toBe(
      "startsWith(concat(replaceOne(toString(e.created_at), ' ', 'T'), 'Z'), {p0:String})",
    );
    expect(details(() => compile({ name: 'createdAt', operator: 'lt', value: ['yesterday'] }))?.[0].path).toEqual([
      'filters',
      0,
      'value',
      0,
    ]);
    expect(compile({ name: 'groups', operator: 'is', value: ['a', 'b'] }).sql).toBe(
      'arrayExists(_g -> _g IN ({p0:String}, {p1:String}), e.groups)',
    );
    expect(compile({ name: 'groups', operator: 'isNot', value: ['a'] }).sql).toBe('NOT arrayExists(_g -> _g = {p0:String}, e.groups)');
    expect(compile({ name: 'groups', operator: 'isNull', value: [] }).sql).toBe('empty(e.groups)');
  });

  it('ignores a value operator without values, as OpenPanel does', () => {
    expect(compile({ name: 'country', operator: 'is', value: [] }).sql).toBeNull();
  });

  it.each(HOSTILE.map((h) => [h.slice(0, 20)] as [string]))('keeps hostile value %j out of the SQL', (prefix) => {
    const hostile = HOSTILE.find((h) => h.startsWith(prefix))!;
    for (const operator of ['is', 'isNot', 'contains', 'doesNotContain', 'startsWith', 'endsWith'] as FilterOperator[]) {
      const { sql, params } = compile({ name: `properties.${hostile}`, operator, value: [hostile, hostile] });
      expect(sqlIsClean(sql!)).toBe(true);
      expect(Object.values(params)).toContain(hostile);
      expect(Object.values(params).filter((v) => v === hostile)).toHaveLength(3);
    }
  });

  it('caps regex length and checks numbers', () => {
    expect(details(() => compile({ name: 'path', operator: 'regex', value: ['ok', 'a'.repeat(1001)] }))?.[0].path).toEqual([
      'filters',
      0,
      'value',
      1,
    ]);
    expect(details(() => compile({ name: 'path', operator: 'gt', value: ['1; DROP'] }))?.[0].path).toEqual(['filters', 0, 'value', 0]);
    expect(details(() => compile({ name: 'path', operator: 'gt', value: ['1e999'] }))?.[0].path).toEqual(['filters', 0, 'value', 0]);
    expect(details(() => compile({ name: 'path', operator: 'like' as FilterOperator, value: ['x'] }))?.[0].path).toEqual([
      'filters',
      0,
      'operator',
    ]);
  });

  it('refuses a pattern ending in a lone backslash at its path, outside a \\Q quote', () => {
    const path = (v: string) => refusal(() => compile({ name: 'path', operator: 'regex', value: ['ok', v] }));
    expect(path('\\')).toEqual({ path: ['filters', 0, 'value', 1], message: 'Not a valid RE2 pattern: it ends in a lone backslash' });
    expect(path('a\\\\\\')?.path).toEqual(['filters', 0, 'value', 1]);
    expect(path('a\\\\')).toBeUndefined();
    expect(path('\\Qa\\')).toBeUndefined();
    expect(path('\\Qa\\E\\')?.path).toEqual(['filters', 0, 'value', 1]);
  });

  it('has RE2 compile a pattern that match() could take for a literal: one with an escape and no metacharacter', () => {
    const sql = (v: string) => compileFilter({ name: 'path', operator: 'regex', value: [v] }, new ParamBag(), ['filters', 0])?.sql;
    expect(sql('a\\-b')).toBe("(match(e.path, {p0:String}) AND replaceRegexpOne('', {p0:String}, '') = '')");
    expect(sql('^a\\-b$')).toBe('match(e.path, {p0:String})');
    expect(sql('plain')).toBe('match(e.path, {p0:String})');
  });

  it('reads createdAt bounds strictly: no 30 February, year 1 is year 1 and outside 1900-2299', () => {
    const at = (v: string) => refusal(() => compile({ name: 'createdAt', operator: 'gt', value: [v] }));
    expect(at('2024-02-30')).toEqual({ path: ['filters', 0, 'value', 0], message: 'Not a valid date' });
    expect(at('2024-04-31T00:00:00Z')?.message).toBe('Not a valid date');
    expect(at('2024-04-30T24:00:00Z')?.message).toBe('Not a valid date');
    expect(at('0001-01-01')?.message).toBe('Dates must lie between 1900-01-01 and 2299-12-31');
    expect(at('2300-01-01T00:00:00Z')?.message).toBe('Dates must lie between 1900-01-01 and 2299-12-31');
    expect(at('2024-02-29')).toBeUndefined();
    expect(at('1900-01-01T00:00:00+01:00')).toBeUndefined();
    const bag = new ParamBag();
    compileFilter({ name: 'createdAt', operator: 'lt', value: ['2024-04-01T10:00:00+02:00'] }, bag, ['filters', 0]);
    expect(Object.values(bag.params)).toContain('2024-04-01 08:00:00.000');
  });

  it('ANDs a list and reports whether it needs the profile join', () => {
    const bag = new ParamBag();
    const c = compileFilters(
      [
        { name: 'country', operator: 'is', value: ['Germany'] },
        { name: 'profile.email', operator: 'isNotNull', value: [] },
      ],
      bag,
      ['filters'],
    );
    expect(c).toEqual({ sql: "(e.country = {p0:String}) AND (NOT (p.email = ''))", profile: true });
  });

  it('country: a two-letter value also matches the ISO code (OpenPanel stores codes there), upper-cased', () => {
    const bag = new ParamBag();
    expect(compileFilter({ name: 'country', operator: 'is', value: ['de', 'France'] }, bag, [])!.sql).toBe(
      '(e.country IN ({p0:String}, {p1:String}) OR e.country_code = {p2:String})',
    );
    expect(bag.params).toMatchObject({ p0: 'de', p1: 'France', p2: 'DE' });
    expect(compileFilter({ name: 'country', operator: 'isNot', value: ['DE'] }, new ParamBag(), [])!.sql).toBe(
      '(e.country != {p0:String} AND e.country_code != {p1:String})',
    );
    expect(compileFilter({ name: 'country', operator: 'contains', value: ['DE'] }, new ParamBag(), [])!.sql).toBe(
      'position(e.country, {p0:String}) > 0',
    );
  });
});

/** The first detail of the validation error `fn` throws, or undefined when it accepts. */
function refusal(fn: () => unknown) {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof QueryValidationError) return e.details?.[0];
    throw e;
  }
}
