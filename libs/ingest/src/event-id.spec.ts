import { isUuid } from '@app/common';
import { eventIdFromClient, stableEventId } from './event-id';

describe('stableEventId', () => {
  it('is a deterministic version 5 UUID per project and key', () => {
    const id = stableEventId('proj', 'ajs-next-123');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableEventId('proj', 'ajs-next-123')).toBe(id);
    expect(stableEventId('other', 'ajs-next-123')).not.toBe(id);
    expect(stableEventId('proj', 'ajs-next-124')).not.toBe(id);
  });
});

describe('eventIdFromClient', () => {
  it('keeps a UUID, lower-cased', () => {
    expect(eventIdFromClient('p', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11')).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
  });

  it('maps other keys to a stable UUID', () => {
    expect(eventIdFromClient('p', ' key-1 ')).toBe(stableEventId('p', 'key-1'));
    expect(isUuid(eventIdFromClient('p', 'key-1'))).toBe(true);
  });

  it('is undefined without a key', () => {
    expect(eventIdFromClient('p', undefined)).toBeUndefined();
    expect(eventIdFromClient('p', '  ')).toBeUndefined();
  });
});
