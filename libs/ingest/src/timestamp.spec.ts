import { parseInstant, resolveTimestamp } from './timestamp';

const now = new Date('2024-06-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

describe('resolveTimestamp', () => {
  it('uses reception time without a client timestamp', () => {
    expect(resolveTimestamp(undefined, now)).toEqual({ createdAt: now, fromPast: false });
  });

  it('honours a recent client timestamp', () => {
    expect(resolveTimestamp('2024-06-01T11:59:00.000Z', now)).toEqual({ createdAt: at(-60_000), fromPast: false });
    expect(resolveTimestamp('2024-06-01T13:59:00+02:00', now)).toEqual({ createdAt: at(-60_000), fromPast: false });
  });

  it('allows up to one minute of clock skew into the future', () => {
    expect(resolveTimestamp(at(60_000).toISOString(), now).createdAt).toEqual(at(60_000));
    expect(resolveTimestamp(at(60_001).toISOString(), now)).toEqual({ createdAt: now, fromPast: false });
    expect(resolveTimestamp('2099-01-01T00:00:00Z', now)).toEqual({ createdAt: now, fromPast: false });
  });

  it('flags events older than 15 minutes as from the past', () => {
    expect(resolveTimestamp(at(-15 * 60_000).toISOString(), now).fromPast).toBe(false);
    expect(resolveTimestamp(at(-15 * 60_000 - 1).toISOString(), now)).toEqual({
      createdAt: at(-15 * 60_000 - 1),
      fromPast: true,
    });
    expect(resolveTimestamp('2024-01-01T00:00:00Z', now).fromPast).toBe(true);
  });

  it('accepts epoch milliseconds and Dates', () => {
    expect(resolveTimestamp(now.getTime() - 1000, now).createdAt).toEqual(at(-1000));
    expect(resolveTimestamp(at(-1000), now).createdAt).toEqual(at(-1000));
  });

  it('reads a zoneless date-time as UTC', () => {
    expect(resolveTimestamp('2024-06-01T11:59:30', now).createdAt).toEqual(at(-30_000));
    expect(resolveTimestamp('2024-06-01 11:59:30.250', now).createdAt).toEqual(at(-29_750));
  });

  it('falls back to reception time for anything invalid', () => {
    for (const bad of [
      '',
      'yesterday',
      'x'.repeat(100),
      {},
      [],
      true,
      NaN,
      Infinity,
      -1,
      1_717_243_200,
      new Date('x'),
      '1969-12-31T00:00:00Z',
    ]) {
      expect(resolveTimestamp(bad, now)).toEqual({ createdAt: now, fromPast: false });
    }
  });

  it('returns a fresh Date, not the reception Date itself', () => {
    expect(resolveTimestamp(undefined, now).createdAt).not.toBe(now);
  });
});

describe('parseInstant', () => {
  const NOW = Date.parse('2024-05-01T12:00:00.000Z');
  it('ISO with and without zone, epoch ms as number, digits or Date; epoch seconds refused', () => {
    expect(parseInstant('2024-05-01T12:00:00')).toBe(NOW);
    expect(parseInstant('2024-05-01T14:00:00+02:00')).toBe(NOW);
    expect(parseInstant(NOW)).toBe(NOW);
    expect(parseInstant(String(NOW))).toBe(NOW);
    expect(parseInstant(new Date(NOW))).toBe(NOW);
    expect(parseInstant(NOW / 1000)).toBeUndefined();
    expect(parseInstant(String(NOW / 1000))).toBeUndefined();
    expect(parseInstant({})).toBeUndefined();
  });
});
