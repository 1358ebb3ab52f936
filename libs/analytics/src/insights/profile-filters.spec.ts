import { PGlite } from '@electric-sql/pglite';
import { HOSTILE } from '../../test/hostile';
import { QueryValidationError } from '../errors';
import type { Filter } from '../types';
import { compileProfileFilters } from './profile-filters';

/** Profiles as PostgreSQL holds them (the columns the predicate reads). */
const ROWS = [
  {
    id: 'ada',
    first_name: 'Ada',
    email: 'ada@example.com',
    props: { plan: 'pro', age: 36, note: '50%_off' },
    at: '2024-01-01T10:00:00.123456Z',
  },
  { id: 'grace', first_name: 'Grace', email: null, props: { plan: 'free', age: '85' }, at: '2024-02-01T00:00:00Z' },
  { id: 'num', first_name: null, email: 'n@x.io', props: { age: 'old', plan: '' }, at: '2024-03-01T00:00:00Z' },
];

describe('profile filters (PostgreSQL)', () => {
  let db: PGlite;

  beforeAll(async () => {
    db = new PGlite();
    await db.exec(
      'CREATE TABLE profiles (id varchar(255) PRIMARY KEY, first_name varchar(255), last_name varchar(255), email varchar(320), ' +
        "avatar varchar(2048), properties jsonb NOT NULL DEFAULT '{}', is_external boolean NOT NULL DEFAULT true, created_at timestamptz NOT NULL)",
    );
    for (const r of ROWS)
      await db.query('INSERT INTO profiles (id, first_name, email, properties, created_at, is_external) VALUES ($1, $2, $3, $4, $5, $6)', [
        r.id,
        r.first_name,
        r.email,
        JSON.stringify(r.props),
        r.at,
        r.id !== 'num',
      ]);
  });
  afterAll(() => db.close());

  /** The ids the filters keep, running the predicate with its named parameters bound as TypeORM would. */
  const ids = async (filters: Filter[]): Promise<string[]> => {
    const compiled = compileProfileFilters(filters, ['filters']);
    if (!compiled) return ROWS.map((r) => r.id);
    const values: string[] = [];
    const index = new Map<string, number>();
    const sql = compiled.sql.replace(/:(pf\d+)/g, (_m, name: string) => {
      if (!index.has(name)) index.set(name, values.push(compiled.params[name]));
      return `$${index.get(name)}`;
    });
    const res = await db.query<{ id: string }>(`SELECT p.id FROM profiles p WHERE ${sql} ORDER BY p.id`, values);
    return res.rows.map((r) => r.id);
  };
  const f = (name: string, operator: Filter['operator'], value: string[] = []): Filter => ({ name, operator, value });

  it('text operators on columns and properties, missing reading as empty', async () => {
    expect(await ids([f('email', 'is', ['ada@example.com'])])).toEqual(['ada']);
    expect(await ids([f('profile.email', 'is', ['ada@example.com', 'n@x.io'])])).toEqual(['ada', 'num']);
    expect(await ids([f('email', 'isNot', ['ada@example.com'])])).toEqual(['grace', 'num']);
    expect(await ids([f('firstName', 'contains', ['a'])])).toEqual(['ada', 'grace']);
    expect(await ids([f('first_name', 'contains', ['A'])])).toEqual(['ada']);
    expect(await ids([f('first_name', 'doesNotContain', ['d', 'c'])])).toEqual(['num']);
    expect(await ids([f('id', 'startsWith', ['gr', 'nu'])])).toEqual(['grace', 'num']);
    expect(await ids([f('email', 'endsWith', ['.com'])])).toEqual(['ada']);
    expect(await ids([f('properties.plan', 'is', ['pro'])])).toEqual(['ada']);
    expect(await ids([f('profile.properties.plan', 'isNot', ['pro'])])).toEqual(['grace', 'num']);
    expect(await ids([f('properties.note', 'contains', ['%_'])])).toEqual(['ada']);
    expect(await ids([f('properties.note', 'contains', ['%x'])])).toEqual([]);
    expect(await ids([f('properties.plan', 'isNull')])).toEqual(['num']);
    expect(await ids([f('email', 'isNull')])).toEqual(['grace']);
    expect(await ids([f('properties.plan', 'isNotNull')])).toEqual(['ada', 'grace']);
    expect(await ids([f('isExternal', 'is', ['false'])])).toEqual(['num']);
    expect(await ids([f('properties.plan', 'is', [])])).toEqual(['ada', 'grace', 'num']);
    expect(await ids([f('properties.plan', 'isNotNull'), f('first_name', 'startsWith', ['G'])])).toEqual(['grace']);
  });

  it('comparisons: numbers (non-numbers left out) and instants on createdAt', async () => {
    expect(await ids([f('properties.age', 'gt', ['40'])])).toEqual(['grace']);
    expect(await ids([f('properties.age', 'lte', ['36'])])).toEqual(['ada']);
    expect(await ids([f('properties.age', 'gte', ['0'])])).toEqual(['ada', 'grace']);
    expect(await ids([f('createdAt', 'gte', ['2024-02-01'])])).toEqual(['grace', 'num']);
    expect(await ids([f('created_at', 'lt', ['2024-02-01T00:00:00Z'])])).toEqual(['ada']);
    expect(await ids([f('createdAt', 'is', ['2024-01-01T10:00:00.123Z'])])).toEqual(['ada']);
    expect(await ids([f('createdAt', 'isNot', ['2024-01-01T10:00:00.123Z'])])).toEqual(['grace', 'num']);
    expect(await ids([f('createdAt', 'startsWith', ['2024-03-'])])).toEqual(['num']);
    expect(await ids([f('createdAt', 'isNull')])).toEqual([]);
  });

  it('binds every value and key: hostile text matches nothing and never breaks the statement', async () => {
    for (const h of HOSTILE) {
      const filters = [f(`properties.${h}`, 'is', [h]), f('email', 'contains', [h])];
      const compiled = compileProfileFilters(filters, ['filters'])!;
      expect(compiled.sql).not.toContain(h);
      expect(Object.values(compiled.params)).toEqual(expect.arrayContaining([h]));
      expect(await ids(filters)).toEqual([]);
    }
  });

  it('unknown fields, regex and bad values are 400s naming the filter', () => {
    const reason = (filters: unknown) => {
      try {
        compileProfileFilters(filters as Filter[], ['filters']);
      } catch (e) {
        expect(e).toBeInstanceOf(QueryValidationError);
        return (e as QueryValidationError).details?.[0].path;
      }
      return 'no error';
    };
    expect(reason([f('lastSeenAt', 'is', ['x'])])).toEqual(['filters', 0, 'name']);
    expect(reason([f('path', 'is', ['x'])])).toEqual(['filters', 0, 'name']);
    expect(reason([f('email', 'is', ['x']), f('properties.', 'is', ['x'])])).toEqual(['filters', 1, 'name']);
    expect(reason([f('email', 'regex', ['.*'])])).toEqual(['filters', 0, 'operator']);
    expect(reason([{ name: 'email', operator: 'like', value: ['x'] }])).toEqual(['filters', 0, 'operator']);
    expect(reason([f('properties.age', 'gt', ['ten'])])).toEqual(['filters', 0, 'value', 0]);
    expect(reason([f('createdAt', 'gt', ['2024-02-30'])])).toEqual(['filters', 0, 'value', 0]);
    expect(reason('nope')).toEqual(['filters']);
    expect(compileProfileFilters([], ['filters'])).toBeNull();
  });
});
