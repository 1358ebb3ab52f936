import { NO_GEO } from './geo';
import { decodeImportRow, importRowContext } from './import-row';

const ctx = importRowContext('p', new Date('2026-01-01T00:00:00Z'), () => NO_GEO);
const decode = (row: unknown) => decodeImportRow(row, ctx);
const event = (row: unknown) => {
  const d = decode(row);
  if (d.kind !== 'event') throw new Error(`not an event: ${JSON.stringify(d)}`);
  return d;
};

describe('decodeImportRow', () => {
  it('reads the three time forms as UTC instants', () => {
    const iso = event({ name: 'e', createdAt: '2025-06-01T12:00:00.123+02:00' }).row.created_at;
    expect(iso).toBe('2025-06-01 10:00:00.123');
    expect(event({ name: 'e', created_at: '2025-06-01 10:00:00.123' }).row.created_at).toBe(iso);
    expect(event({ name: 'e', createdAt: Date.UTC(2025, 5, 1, 10, 0, 0, 123) }).row.created_at).toBe(iso);
    expect(decode({ name: 'e', createdAt: 'yesterday' })).toMatchObject({ kind: 'invalid', error: expect.stringMatching(/^createdAt: /) });
    expect(decode({ name: 'e', createdAt: '1999-12-31T00:00:00Z' })).toMatchObject({ kind: 'invalid' });
  });

  it('derives the same id from the same content, another from other content, and keeps a UUID lower-cased', () => {
    const row = { name: 'e', createdAt: 1_750_000_000_000, deviceId: 'd', properties: { b: '2', a: '1' } };
    const id = event(row).row.id;
    expect(event({ ...row, properties: { a: '1', b: '2' } }).row.id).toBe(id);
    expect(event({ ...row, properties: { a: '1', b: '3' } }).row.id).not.toBe(id);
    expect(event({ ...row, id: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' }).row.id).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    expect(event({ ...row, id: 'order-1' }).row.id).toBe(event({ name: 'other', createdAt: 1_760_000_000_000, id: 'order-1' }).row.id);
  });

  it('names a profile only when the profile id is not the device id', () => {
    expect(event({ name: 'e', createdAt: 1_750_000_000_000, deviceId: 'x', profileId: 'x' }).namesProfile).toBe(false);
    expect(event({ name: 'e', createdAt: 1_750_000_000_000, deviceId: 'x', profileId: 'ada' }).namesProfile).toBe(true);
    const serverSide = event({ name: 'e', createdAt: 1_750_000_000_000, profileId: 'ada' });
    expect(serverSide).toMatchObject({ namesProfile: true, row: { device_id: 'ada', profile_id: 'ada' } });
  });

  it('refuses wrong types by field name, never echoing the value', () => {
    expect(decode({ name: 'e', createdAt: 1_750_000_000_000, deviceId: 42 })).toEqual({
      kind: 'invalid',
      error: 'deviceId: must be a string',
    });
    expect(decode({ name: 'e', createdAt: 1_750_000_000_000, properties: [1] })).toEqual({
      kind: 'invalid',
      error: 'properties: must be an object',
    });
    expect(decode({ name: 'e', createdAt: 1_750_000_000_000, latitude: 91 })).toMatchObject({
      error: expect.stringMatching(/^latitude: /),
    });
    expect(decode({ name: 'e', createdAt: 1_750_000_000_000, groups: [''] })).toMatchObject({ error: expect.stringMatching(/^groups: /) });
    expect(decode({ name: '', createdAt: 1 })).toEqual({ kind: 'invalid', error: 'name: is required' });
    expect(decode({ name: 'session_end', createdAt: 1_750_000_000_000 })).toEqual({ kind: 'derived' });
  });
});
