import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { DeviceIds } from './device-id';

/** A gap in activity this long or longer ends a session, as the sessions table (src/sessions) cuts runs. */
export const SESSION_TIMEOUT_MS = 30 * 60 * 1000;

export interface SessionState {
  /** Event time (epoch ms) of the device's latest event in this session. */
  lastSeen: number;
  sessionId: string;
}

/**
 * Session state of a process, between events (MemorySessionAssigner's; the Redis assigner
 * keeps the same state in Redis). Synchronous on purpose: it is read and written for every
 * event, and an await per event is a measurable share of ingestion.
 */
export interface SessionStore {
  get(key: string): SessionState | undefined;
  set(key: string, value: SessionState): void;
}

export interface SessionDecision {
  sessionId: string;
  isNew: boolean;
  /** What to store for the device afterwards. */
  state: SessionState;
}

/**
 * The session of an event at time `at` given the device's last state: the same session
 * when the event is within 30 minutes of the last one (either side: batches arrive out of
 * order), else a new one. An event far older than the stored state gets a session of its
 * own and leaves the stored state alone, so a straggler cannot end the live session.
 */
export function nextSession(last: SessionState | undefined, at: number, newId: () => string = randomUUID): SessionDecision {
  if (last && Math.abs(at - last.lastSeen) < SESSION_TIMEOUT_MS) {
    const state = at > last.lastSeen ? { lastSeen: at, sessionId: last.sessionId } : last;
    return { sessionId: last.sessionId, isNew: false, state };
  }
  const sessionId = newId();
  if (last && at < last.lastSeen) return { sessionId, isNew: true, state: last };
  return { sessionId, isNew: true, state: { lastSeen: at, sessionId } };
}

export function sessionKey(projectId: string, deviceId: string): string {
  return `${projectId}:${deviceId}`;
}

export interface AssignSessionInput {
  projectId: string;
  deviceIds: DeviceIds;
  /** Event time, epoch ms. */
  at: number;
  newId?: () => string;
}

export interface AssignedSession {
  /** The device id to record: yesterday's when its session is still going on. */
  deviceId: string;
  sessionId: string;
  isNew: boolean;
}

/**
 * Reads, decides and writes a device's session. When the device has no state under today's
 * id but its id under yesterday's salt has a live session, that session and that device id
 * carry on, so a visit spanning the salt rotation stays one device and one session.
 *
 * Two concurrent events of a new device can both see no state and open two sessions; callers
 * that care serialise events per device (the batch endpoint processes a batch in order).
 */
export function assignSession(store: SessionStore, input: AssignSessionInput): AssignedSession {
  const { projectId, deviceIds, at, newId } = input;
  let deviceId = deviceIds.deviceId;
  let last = store.get(sessionKey(projectId, deviceId));
  if (!last && deviceIds.previousDeviceId) {
    const previous = store.get(sessionKey(projectId, deviceIds.previousDeviceId));
    if (previous && Math.abs(at - previous.lastSeen) < SESSION_TIMEOUT_MS) {
      deviceId = deviceIds.previousDeviceId;
      last = previous;
    }
  }
  const decision = nextSession(last, at, newId);
  if (decision.state !== last) store.set(sessionKey(projectId, deviceId), decision.state);
  return { deviceId, sessionId: decision.sessionId, isNew: decision.isNew };
}

export interface LiveSession {
  deviceId: string;
  sessionId: string;
  /** True when the session runs under yesterday's device id (it began before the salt rotated). */
  previous: boolean;
}

/**
 * The session the next event of a device at time `at` would join, read without touching the
 * store, by assignSession's rules: today's id when the store knows it (live or not), else
 * yesterday's id when its session is live (within SESSION_TIMEOUT_MS).
 */
export function findLiveSession(store: SessionStore, projectId: string, deviceIds: DeviceIds, at: number): LiveSession | undefined {
  const live = (state: SessionState | undefined) => (state && Math.abs(at - state.lastSeen) < SESSION_TIMEOUT_MS ? state : undefined);
  const today = store.get(sessionKey(projectId, deviceIds.deviceId));
  if (today) {
    const current = live(today);
    return current && { deviceId: deviceIds.deviceId, sessionId: current.sessionId, previous: false };
  }
  const previousId = deviceIds.previousDeviceId;
  const previous = previousId ? live(store.get(sessionKey(projectId, previousId))) : undefined;
  return previous && previousId ? { deviceId: previousId, sessionId: previous.sessionId, previous: true } : undefined;
}

export interface MemorySessionStoreOptions {
  /** Devices remembered; the least recently active are forgotten first. */
  maxEntries?: number;
  /** How long an untouched entry is kept, in ms; longer than the session timeout. */
  ttlMs?: number;
}

/**
 * Process-local store: right for a single instance and for tests. Bounded so a flood of
 * distinct devices costs a fixed amount of memory; forgetting a device only starts a new
 * session early.
 */
export class MemorySessionStore implements SessionStore {
  private readonly entries: LRUCache<string, SessionState>;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.entries = new LRUCache<string, SessionState>({
      max: options.maxEntries ?? 100_000,
      ttl: options.ttlMs ?? 2 * SESSION_TIMEOUT_MS,
    });
  }

  get(key: string): SessionState | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: SessionState): void {
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Which device's session a profile's latest browser or app event joined, so that the
 * profile's server-side events can be attributed to that session while it is live.
 */
export interface ProfileSessionIndex {
  get(key: string): string | undefined;
  set(key: string, deviceId: string): void;
}

export function profileSessionKey(projectId: string, profileId: string): string {
  return `${projectId}\u0000${profileId}`;
}

/**
 * The live session a server-side event of `profileId` at `at` belongs to: the session of the
 * device the profile was last seen on, while that session is live (within SESSION_TIMEOUT_MS
 * of its latest event). The store is only read: a server event never opens or extends a
 * session, as in OpenPanel.
 */
export function profileLiveSession(
  store: SessionStore,
  index: ProfileSessionIndex,
  projectId: string,
  profileId: string,
  at: number,
): { deviceId: string; sessionId: string } | undefined {
  const deviceId = index.get(profileSessionKey(projectId, profileId));
  if (deviceId === undefined) return undefined;
  const state = store.get(sessionKey(projectId, deviceId));
  if (!state || Math.abs(at - state.lastSeen) >= SESSION_TIMEOUT_MS) return undefined;
  return { deviceId, sessionId: state.sessionId };
}

/** Process-local ProfileSessionIndex, bounded like MemorySessionStore. */
export class MemoryProfileSessionIndex implements ProfileSessionIndex {
  private readonly entries: LRUCache<string, string>;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.entries = new LRUCache<string, string>({ max: options.maxEntries ?? 100_000, ttl: options.ttlMs ?? 2 * SESSION_TIMEOUT_MS });
  }

  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  set(key: string, deviceId: string): void {
    this.entries.set(key, deviceId);
  }
}

/**
 * What an event asks of the session state: a browser or app event (`visit`) opens or extends
 * its device's session; a server-side event of a profile (`server`) joins the session that
 * profile is live in, if any, and changes nothing.
 */
export interface SessionRequest {
  kind: 'visit' | 'server';
  projectId: string;
  deviceIds: DeviceIds;
  /** Event time, epoch ms. */
  at: number;
  /** The profile the event names (aliases resolved), if any. */
  profileId?: string;
}

/** The device id to record and the session (an empty id: none) of one SessionRequest. */
export interface SessionAnswer {
  deviceId: string;
  sessionId: string;
}

/**
 * Where the sessions of live devices are decided: this process's memory by default, or a
 * store every API node shares (Redis). The requests of one call are decided in their order,
 * as one step: an implementation answers synchronously when it can, so the default path
 * awaits nothing per call, or with one promise for the whole call.
 */
export interface SessionAssigner {
  assign(requests: readonly SessionRequest[]): SessionAnswer[] | Promise<SessionAnswer[]>;
  /** The session the next visit of `deviceIds` at `at` would join, read only (findLiveSession's rules). */
  findLive(projectId: string, deviceIds: DeviceIds, at: number): LiveSession | undefined | Promise<LiveSession | undefined>;
}

/** The process-local SessionAssigner: assignSession and profileLiveSession over bounded LRU maps. */
export class MemorySessionAssigner implements SessionAssigner {
  readonly sessions: MemorySessionStore;
  /** The device each profile was last seen on in a session, for its server-side events. */
  readonly profileDevices: MemoryProfileSessionIndex;

  constructor(
    options: MemorySessionStoreOptions = {},
    private readonly newId: () => string = randomUUID,
  ) {
    this.sessions = new MemorySessionStore(options);
    this.profileDevices = new MemoryProfileSessionIndex(options);
  }

  assign(requests: readonly SessionRequest[]): SessionAnswer[] {
    const answers = new Array<SessionAnswer>(requests.length);
    for (let i = 0; i < requests.length; i++) answers[i] = this.assignOne(requests[i]);
    return answers;
  }

  private assignOne(r: SessionRequest): SessionAnswer {
    if (r.kind === 'visit') {
      const session = assignSession(this.sessions, { projectId: r.projectId, deviceIds: r.deviceIds, at: r.at, newId: this.newId });
      if (r.profileId) this.profileDevices.set(profileSessionKey(r.projectId, r.profileId), session.deviceId);
      return { deviceId: session.deviceId, sessionId: session.sessionId };
    }
    const live = r.profileId ? profileLiveSession(this.sessions, this.profileDevices, r.projectId, r.profileId, r.at) : undefined;
    return live ?? { deviceId: r.deviceIds.deviceId, sessionId: '' };
  }

  findLive(projectId: string, deviceIds: DeviceIds, at: number): LiveSession | undefined {
    return findLiveSession(this.sessions, projectId, deviceIds, at);
  }
}
