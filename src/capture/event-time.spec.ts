import { resolveTimestamp } from '@app/ingest';
import { eventTime } from './event-time';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('eventTime (clock-skew correction)', () => {
  it('sent_at 12:00:05 and timestamp 11:59:55 at 12:00:00 → 11:59:50', () => {
    expect(iso(eventTime({ now: NOW, timestamp: '2024-05-01T11:59:55Z', sentAt: '2024-05-01T12:00:05Z' }))).toBe(
      '2024-05-01T11:59:50.000Z',
    );
  });

  it('offset 3600000 → 11:00:00, and offset wins over timestamp', () => {
    expect(iso(eventTime({ now: NOW, offset: 3_600_000 }))).toBe('2024-05-01T11:00:00.000Z');
    expect(iso(eventTime({ now: NOW, offset: 3_600_000, timestamp: '2024-05-01T08:00:00Z' }))).toBe('2024-05-01T11:00:00.000Z');
  });

  it('sent_at in epoch ms (the `_` query parameter) works too', () => {
    expect(iso(eventTime({ now: NOW, timestamp: '2024-05-01T11:59:55Z', sentAt: String(Date.parse('2024-05-01T12:00:05Z')) }))).toBe(
      '2024-05-01T11:59:50.000Z',
    );
  });

  it('$ignore_sent_at keeps the timestamp as sent', () => {
    expect(iso(eventTime({ now: NOW, timestamp: '2024-05-01T11:59:55Z', sentAt: '2024-05-01T12:00:05Z', ignoreSentAt: true }))).toBe(
      '2024-05-01T11:59:55.000Z',
    );
  });

  it('a timestamp alone is kept; nothing usable → now', () => {
    expect(iso(eventTime({ now: NOW, timestamp: '2024-04-01T10:00:00Z' }))).toBe('2024-04-01T10:00:00.000Z');
    expect(eventTime({ now: NOW })).toBe(NOW);
    expect(eventTime({ now: NOW, timestamp: 'yesterday' })).toBe(NOW);
  });

  it('the future is decided by the one policy of @app/ingest: more than 60 s ahead → reception time', () => {
    const at = (ms: number) => resolveTimestamp(eventTime({ now: NOW, timestamp: iso(NOW + ms) }), new Date(NOW)).createdAt.getTime();
    expect(at(2 * 3_600_000)).toBe(NOW);
    expect(at(61_000)).toBe(NOW);
    expect(at(30_000)).toBe(NOW + 30_000);
  });
});
