import type { DeviceIds } from './device-id';
import {
  assignSession,
  findLiveSession,
  MemoryProfileSessionIndex,
  MemorySessionAssigner,
  MemorySessionStore,
  nextSession,
  profileLiveSession,
  profileSessionKey,
  SESSION_TIMEOUT_MS,
  sessionKey,
} from './session';

const T0 = Date.UTC(2024, 5, 1, 12);
const MIN = 60_000;

function ids(...values: string[]): () => string {
  let i = 0;
  return () => values[i++] ?? `id-${i}`;
}

describe('nextSession', () => {
  it('starts a session for a device without state', () => {
    expect(nextSession(undefined, T0, ids('s1'))).toEqual({
      sessionId: 's1',
      isNew: true,
      state: { lastSeen: T0, sessionId: 's1' },
    });
  });

  it('continues within 30 minutes of inactivity and moves lastSeen forward', () => {
    const last = { lastSeen: T0, sessionId: 's1' };
    expect(nextSession(last, T0 + SESSION_TIMEOUT_MS - 1, ids('new'))).toEqual({
      sessionId: 's1',
      isNew: false,
      state: { lastSeen: T0 + SESSION_TIMEOUT_MS - 1, sessionId: 's1' },
    });
  });

  it('starts a new session after a gap of 30 minutes or more (the rule the sessions table follows)', () => {
    const last = { lastSeen: T0, sessionId: 's1' };
    expect(nextSession(last, T0 + SESSION_TIMEOUT_MS, ids('s2'))).toEqual({
      sessionId: 's2',
      isNew: true,
      state: { lastSeen: T0 + SESSION_TIMEOUT_MS, sessionId: 's2' },
    });
  });

  it('keeps a slightly older, out-of-order event in the session without moving lastSeen back', () => {
    const last = { lastSeen: T0, sessionId: 's1' };
    const decision = nextSession(last, T0 - 5 * MIN, ids('new'));
    expect(decision).toEqual({ sessionId: 's1', isNew: false, state: last });
    expect(decision.state).toBe(last);
  });

  it('gives a much older straggler its own session and leaves the live one alone', () => {
    const last = { lastSeen: T0, sessionId: 's1' };
    const decision = nextSession(last, T0 - 31 * MIN, ids('old'));
    expect(decision).toEqual({ sessionId: 'old', isNew: true, state: last });
  });

  it('uses random UUIDs by default', () => {
    expect(nextSession(undefined, T0).sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('assignSession', () => {
  const device: DeviceIds = { deviceId: 'today', previousDeviceId: 'yesterday', explicit: false };

  it('opens, continues and rotates sessions through the store', () => {
    const store = new MemorySessionStore();
    const newId = ids('s1', 's2');
    const first = assignSession(store, { projectId: 'p', deviceIds: device, at: T0, newId });
    const second = assignSession(store, { projectId: 'p', deviceIds: device, at: T0 + 10 * MIN, newId });
    const third = assignSession(store, { projectId: 'p', deviceIds: device, at: T0 + 41 * MIN, newId });
    expect([first, second, third]).toEqual([
      { deviceId: 'today', sessionId: 's1', isNew: true },
      { deviceId: 'today', sessionId: 's1', isNew: false },
      { deviceId: 'today', sessionId: 's2', isNew: true },
    ]);
    expect(store.get(sessionKey('p', 'today'))).toEqual({ lastSeen: T0 + 41 * MIN, sessionId: 's2' });
  });

  it('carries on a live session under yesterday’s device id across the salt rotation', () => {
    const store = new MemorySessionStore();
    store.set(sessionKey('p', 'yesterday'), { lastSeen: T0 - 5 * MIN, sessionId: 'night' });
    expect(assignSession(store, { projectId: 'p', deviceIds: device, at: T0, newId: ids('x') })).toEqual({
      deviceId: 'yesterday',
      sessionId: 'night',
      isNew: false,
    });
    expect(store.get(sessionKey('p', 'yesterday'))).toEqual({ lastSeen: T0, sessionId: 'night' });
    expect(store.get(sessionKey('p', 'today'))).toBeUndefined();
  });

  it('ignores yesterday’s session once it has expired', () => {
    const store = new MemorySessionStore();
    store.set(sessionKey('p', 'yesterday'), { lastSeen: T0 - 31 * MIN, sessionId: 'night' });
    expect(assignSession(store, { projectId: 'p', deviceIds: device, at: T0, newId: ids('fresh') })).toEqual({
      deviceId: 'today',
      sessionId: 'fresh',
      isNew: true,
    });
  });

  it('keeps projects apart', () => {
    const store = new MemorySessionStore();
    const a = assignSession(store, { projectId: 'a', deviceIds: device, at: T0, newId: ids('sa') });
    const b = assignSession(store, { projectId: 'b', deviceIds: device, at: T0, newId: ids('sb') });
    expect([a.sessionId, b.sessionId]).toEqual(['sa', 'sb']);
  });
});

describe('MemorySessionStore', () => {
  it('is bounded, forgetting the least recently used device', () => {
    const store = new MemorySessionStore({ maxEntries: 2 });
    store.set('a', { lastSeen: 1, sessionId: 'a' });
    store.set('b', { lastSeen: 1, sessionId: 'b' });
    store.get('a');
    store.set('c', { lastSeen: 1, sessionId: 'c' });
    expect(store.size).toBe(2);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toEqual({ lastSeen: 1, sessionId: 'a' });
  });

  it('expires untouched entries after the TTL', async () => {
    const store = new MemorySessionStore({ ttlMs: 20 });
    store.set('a', { lastSeen: 1, sessionId: 'a' });
    expect(store.get('a')).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(store.get('a')).toBeUndefined();
  });
});

describe('findLiveSession', () => {
  const device: DeviceIds = { deviceId: 'today', previousDeviceId: 'yesterday', explicit: false };

  it('names the session the next event would join, as assignSession then does, and changes nothing', () => {
    const store = new MemorySessionStore();
    expect(findLiveSession(store, 'p', device, T0)).toBeUndefined();
    assignSession(store, { projectId: 'p', deviceIds: device, at: T0, newId: ids('s1') });
    expect(findLiveSession(store, 'p', device, T0 + 20 * MIN)).toEqual({ deviceId: 'today', sessionId: 's1', previous: false });
    expect(store.get(sessionKey('p', 'today'))).toEqual({ lastSeen: T0, sessionId: 's1' });
    expect(findLiveSession(store, 'p', device, T0 + 31 * MIN)).toBeUndefined();
    expect(findLiveSession(store, 'other', device, T0)).toBeUndefined();
  });

  it('finds a live session under yesterday’s id, and not once it has expired', () => {
    const store = new MemorySessionStore();
    store.set(sessionKey('p', 'yesterday'), { lastSeen: T0 - 5 * MIN, sessionId: 'night' });
    const found = findLiveSession(store, 'p', device, T0);
    expect(found).toEqual({ deviceId: 'yesterday', sessionId: 'night', previous: true });
    expect(assignSession(store, { projectId: 'p', deviceIds: device, at: T0, newId: ids('x') })).toMatchObject({
      deviceId: found!.deviceId,
      sessionId: found!.sessionId,
    });
    expect(findLiveSession(store, 'p', device, T0 + 31 * MIN)).toBeUndefined();
  });

  it('does not look under yesterday’s id when today’s is known, as assignSession does not', () => {
    const store = new MemorySessionStore();
    store.set(sessionKey('p', 'today'), { lastSeen: T0 - 40 * MIN, sessionId: 'old' });
    store.set(sessionKey('p', 'yesterday'), { lastSeen: T0 - 5 * MIN, sessionId: 'night' });
    expect(findLiveSession(store, 'p', device, T0)).toBeUndefined();
    expect(assignSession(store, { projectId: 'p', deviceIds: device, at: T0, newId: ids('fresh') })).toEqual({
      deviceId: 'today',
      sessionId: 'fresh',
      isNew: true,
    });
  });
});

describe('profileLiveSession', () => {
  it("finds the live session of the profile's device, reads it without extending it, and none once it is over", () => {
    const store = new MemorySessionStore();
    const index = new MemoryProfileSessionIndex();
    store.set(sessionKey('p', 'dev1'), { lastSeen: 1_000_000, sessionId: 's1' });
    index.set(profileSessionKey('p', 'user'), 'dev1');
    expect(profileLiveSession(store, index, 'p', 'user', 1_000_000 + SESSION_TIMEOUT_MS - 1)).toEqual({
      deviceId: 'dev1',
      sessionId: 's1',
    });
    expect(store.get(sessionKey('p', 'dev1'))).toEqual({ lastSeen: 1_000_000, sessionId: 's1' });
    expect(profileLiveSession(store, index, 'p', 'user', 1_000_000 + SESSION_TIMEOUT_MS)).toBeUndefined();
    expect(profileLiveSession(store, index, 'p', 'other', 1_000_000)).toBeUndefined();
    expect(profileLiveSession(store, index, 'q', 'user', 1_000_000)).toBeUndefined();
  });
});

describe('MemorySessionAssigner', () => {
  const phone: DeviceIds = { deviceId: 'phone', previousDeviceId: null, explicit: false };
  const server: DeviceIds = { deviceId: 'server-hash', previousDeviceId: null, explicit: false };

  it("decides a call's requests in order: a visit opens, a server event of its profile joins, a later visit carries on", () => {
    const sessions = new MemorySessionAssigner({}, ids('s1', 's2'));
    expect(
      sessions.assign([
        { kind: 'server', projectId: 'p', deviceIds: server, at: T0, profileId: 'u' },
        { kind: 'visit', projectId: 'p', deviceIds: phone, at: T0, profileId: 'u' },
        { kind: 'server', projectId: 'p', deviceIds: server, at: T0 + MIN, profileId: 'u' },
        { kind: 'server', projectId: 'p', deviceIds: server, at: T0 + MIN },
        { kind: 'visit', projectId: 'p', deviceIds: phone, at: T0 + 2 * MIN },
        { kind: 'server', projectId: 'p', deviceIds: server, at: T0 + 40 * MIN, profileId: 'u' },
      ]),
    ).toEqual([
      { deviceId: 'server-hash', sessionId: '' },
      { deviceId: 'phone', sessionId: 's1' },
      { deviceId: 'phone', sessionId: 's1' },
      { deviceId: 'server-hash', sessionId: '' },
      { deviceId: 'phone', sessionId: 's1' },
      { deviceId: 'server-hash', sessionId: '' },
    ]);
    // A server event reads the session without extending it: the visit at T0 + 2 min is its end.
    expect(sessions.findLive('p', phone, T0 + 31 * MIN)).toEqual({ deviceId: 'phone', sessionId: 's1', previous: false });
    expect(sessions.findLive('p', phone, T0 + 32 * MIN)).toBeUndefined();
  });
});
