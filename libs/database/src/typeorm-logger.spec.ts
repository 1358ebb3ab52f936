import { withoutQuotedValue } from './typeorm-logger';

describe('withoutQuotedValue', () => {
  it('drops the value PostgreSQL quotes at the end of a message', () => {
    expect(withoutQuotedValue('invalid input syntax for type uuid: "a-profile-id"')).toBe('invalid input syntax for type uuid: "…"');
    expect(withoutQuotedValue('invalid input syntax for type integer: "1\n2"')).toBe('invalid input syntax for type integer: "…"');
  });
  it('keeps the identifiers other messages quote', () => {
    expect(withoutQuotedValue('relation "projects" does not exist')).toBe('relation "projects" does not exist');
    expect(withoutQuotedValue('duplicate key value violates unique constraint "PK_projects"')).toBe(
      'duplicate key value violates unique constraint "PK_projects"',
    );
    expect(withoutQuotedValue('invalid byte sequence for encoding "UTF8": 0x00')).toBe('invalid byte sequence for encoding "UTF8": 0x00');
  });
});
