import { parseReferenceDate } from './reference-date';

const iso = (v: string) => parseReferenceDate(v)?.toISOString();

describe('parseReferenceDate', () => {
  it('reads a date alone as midnight UTC', () => {
    expect(iso('2024-01-15')).toBe('2024-01-15T00:00:00.000Z');
  });
  it('honours Z and offsets', () => {
    expect(iso('2024-01-15T10:00:00.000Z')).toBe('2024-01-15T10:00:00.000Z');
    expect(iso('2024-01-15T10:00:00-05:00')).toBe('2024-01-15T15:00:00.000Z');
    expect(iso('2024-01-15T01:30+0230')).toBe('2024-01-14T23:00:00.000Z');
    expect(iso('2024-01-15T10:00:00.5+01')).toBe('2024-01-15T09:00:00.500Z');
  });
  it('takes a time without offset as UTC, whatever the server zone', () => {
    expect(iso('2024-06-01T12:34:56')).toBe('2024-06-01T12:34:56.000Z');
  });
  it.each([
    '',
    'yesterday',
    '2024-13-01',
    '2024-02-30',
    '2023-02-29',
    '2024-01-15T24:00',
    '2024-01-15T10:61',
    '15/01/2024',
    '2024-1-5',
    '2024-01-15T10',
    '0050-01-01',
    '2024-01-15T10:00+25:00',
  ])('refuses %j', (v) => expect(parseReferenceDate(v)).toBeUndefined());
  it('accepts a leap day', () => {
    expect(iso('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
  });
});
