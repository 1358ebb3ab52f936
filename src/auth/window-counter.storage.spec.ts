import { WindowCounterStorage } from './window-counter.storage';

describe('WindowCounterStorage', () => {
  afterEach(() => jest.useRealTimers());

  it('counts per key and name within a window, blocks beyond the limit, starts over after it', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const s = new WindowCounterStorage();
    for (let i = 1; i <= 3; i++)
      expect(await s.increment('a', 10_000, 3, 10_000, 'track')).toEqual({
        totalHits: i,
        timeToExpire: 10,
        isBlocked: false,
        timeToBlockExpire: 0,
      });
    expect(await s.increment('a', 10_000, 3, 10_000, 'track')).toEqual({
      totalHits: 4,
      timeToExpire: 10,
      isBlocked: true,
      timeToBlockExpire: 10,
    });
    expect((await s.increment('b', 10_000, 3, 10_000, 'track')).totalHits).toBe(1);
    expect((await s.increment('a', 10_000, 3, 10_000, 'export')).totalHits).toBe(1);
    jest.setSystemTime(1_000_000 + 7_500);
    expect(await s.increment('a', 10_000, 3, 10_000, 'track')).toMatchObject({ isBlocked: true, timeToExpire: 3 });
    jest.setSystemTime(1_000_000 + 10_000);
    expect(await s.increment('a', 10_000, 3, 10_000, 'track')).toEqual({
      totalHits: 1,
      timeToExpire: 10,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });
});
