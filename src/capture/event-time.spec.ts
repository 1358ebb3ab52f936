import { eventTime, MAX_FUTURE_MS, parseInstant } from './event-time';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');

describe('eventTime (clock-skew correction)', () => {
  it('sent_at 12:00:05 and timestamp 11:59:55 at 12:00:00 → 11:59:50', () => {
    expect(eventTime({ now: NOW, timestamp: '2024-05-01T11:59:55Z', sentAt: '2024-05-01T12:00:05Z' }).toISOString()).toBe('2024-05-01T11:59:50.000Z');
  });

  it('offset 3600000 → 11:00:00, and offset wins over timestamp', () => {
    expect(eventTime({ now: NOW, offset: 3_600_000 }).toISOString()).toBe('2024-05-01T11:00:00.000Z');
    expect(eventTime({ now: NOW, offset: 3_600_000, timestamp: '2024-05-01T08:00:00Z' }).toISOString()).toBe('2024-05-01T11:00:00.000Z');
  });

  it('sent_at in epoch ms (the `_` query parameter) works too', () => {
    expect(eventTime({ now: NOW, timestamp: '2024-05-01T11:59:55Z', sentAt: String(Date.parse('2024-05-01T12:00:05Z')) }).toISOString()).toBe(
      '2024-05-01T11:59:50.000Z',
    );
  });

  it('$ignore_sent_at keeps the timestamp as sent', () => {
    expect(eventTime({ now: NOW, timestamp: '2024-05-01T11:59:55Z', sentAt: '2024-05-01T12:00:05Z', ignoreSentAt: true }).toISOString()).toBe(
      '2024-05-01T11:59:55.000Z',
    );
  });

  it('a timestamp alone is kept; nothing usable → now', () => {
    expect(eventTime({ now: NOW, timestamp: '2024-04-01T10:00:00Z' }).toISOString()).toBe('2024-04-01T10:00:00.000Z');
    expect(eventTime({ now: NOW }).getTime()).toBe(NOW);
    expect(eventTime({ now: NOW, timestamp: 'yesterday' }).getTime()).toBe(NOW);
  });

  it('more than 23 h in the future → now; less is kept', () => {
    expect(eventTime({ now: NOW, timestamp: new Date(NOW + MAX_FUTURE_MS + 1000).toISOString() }).getTime()).toBe(NOW);
    expect(eventTime({ now: NOW, timestamp: new Date(NOW + 3_600_000).toISOString() }).getTime()).toBe(NOW + 3_600_000);
  });

  it('parseInstant: ISO with and without zone, epoch ms as number or digits; epoch seconds refused', () => {
    expect(parseInstant('2024-05-01T12:00:00')).toBe(NOW);
    expect(parseInstant('2024-05-01T14:00:00+02:00')).toBe(NOW);
    expect(parseInstant(NOW)).toBe(NOW);
    expect(parseInstant(String(NOW))).toBe(NOW);
    expect(parseInstant(NOW / 1000)).toBeUndefined();
    expect(parseInstant({})).toBeUndefined();
  });
});
