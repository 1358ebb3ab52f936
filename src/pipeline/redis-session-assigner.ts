import {
  type DeviceIds,
  type LiveSession,
  MemorySessionAssigner,
  SESSION_TIMEOUT_MS,
  type SessionAnswer,
  type SessionAssigner,
  type SessionRequest,
} from '@app/ingest';
import { RedisCache } from './redis-cache';

/** How long an untouched device or profile entry is kept, as MemorySessionStore keeps it. */
const ENTRY_TTL_MS = 2 * SESSION_TIMEOUT_MS;

/**
 * The session rules of assignSession and profileLiveSession, run inside Redis: one script
 * call decides every request of an ingestion call in order, atomically, so two API nodes that
 * receive events of one device at the same moment still give them one session.
 *
 * Keys: `op:s:<project>:<device>` holds `<lastSeen ms>:<session id>`; `op:sp:<project>:<profile>`
 * holds the device the profile was last seen on. The script builds the keys itself from the
 * ids it is given, so it needs a single Redis (or a primary with replicas), not a cluster.
 * ARGV: timeout ms, entry ttl ms, then seven per request: kind (v: visit, s: server event), project,
 * device, yesterday's device ('' if none), event time ms, candidate id for a new session,
 * profile ('' if none). Answers device, session ('' for none) per request.
 */
const ASSIGN_SCRIPT = `
local timeout = tonumber(ARGV[1])
local ttl = ARGV[2]
local out = {}
local function skey(p, d) return 'op:s:' .. p .. ':' .. d end
local function read(k)
  local v = redis.call('GET', k)
  if not v then return nil, nil end
  local i = string.find(v, ':', 1, true)
  return tonumber(string.sub(v, 1, i - 1)), string.sub(v, i + 1)
end
for i = 3, #ARGV, 7 do
  local kind, p, d, prev, atText, cand, prof = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]
  local at = tonumber(atText)
  if kind == 'v' then
    local dev = d
    local seen, sid = read(skey(p, d))
    if not seen and prev ~= '' then
      local pseen, psid = read(skey(p, prev))
      if pseen and math.abs(at - pseen) < timeout then dev = prev; seen = pseen; sid = psid end
    end
    local answer
    if seen and math.abs(at - seen) < timeout then
      answer = sid
      if at > seen then redis.call('SET', skey(p, dev), atText .. ':' .. sid, 'PX', ttl) end
    else
      answer = cand
      if not (seen and at < seen) then redis.call('SET', skey(p, dev), atText .. ':' .. cand, 'PX', ttl) end
    end
    if prof ~= '' then redis.call('SET', 'op:sp:' .. p .. ':' .. prof, dev, 'PX', ttl) end
    out[#out + 1] = dev
    out[#out + 1] = answer
  else
    local dev = false
    local answer = ''
    if prof ~= '' then dev = redis.call('GET', 'op:sp:' .. p .. ':' .. prof) end
    if dev then
      local seen, sid = read(skey(p, dev))
      if seen and math.abs(at - seen) < timeout then answer = sid else dev = false end
    end
    out[#out + 1] = dev or d
    out[#out + 1] = answer
  end
end
return out
`;

/** The read-only lookup of findLiveSession: today's device state, else yesterday's while live. */
const FIND_SCRIPT = `
local timeout = tonumber(ARGV[4])
local at = tonumber(ARGV[3])
local function read(d)
  local v = redis.call('GET', 'op:s:' .. ARGV[1] .. ':' .. d)
  if not v then return nil, nil end
  local i = string.find(v, ':', 1, true)
  return tonumber(string.sub(v, 1, i - 1)), string.sub(v, i + 1)
end
local seen, sid = read(ARGV[2])
if seen then
  if math.abs(at - seen) < timeout then return {ARGV[2], sid, '0'} end
  return false
end
if ARGV[5] ~= '' then
  seen, sid = read(ARGV[5])
  if seen and math.abs(at - seen) < timeout then return {ARGV[5], sid, '1'} end
end
return false
`;

interface SessionCommands {
  assignSessions(...args: string[]): Promise<string[]>;
  findLiveSession(...args: string[]): Promise<string[] | null>;
}

/**
 * Sessions shared by every API node through Redis (REDIS_URL). One script call per ingestion
 * call, not per event. When Redis is down or slow the call's sessions are decided in this
 * process's memory instead (a visit may then be split in two on the provisional ids; the
 * sessions table is rebuilt from events by device and time either way), and a warning is
 * logged at most once a minute: ingestion never waits on a cache.
 */
export class RedisSessionAssigner implements SessionAssigner {
  private readonly cache: RedisCache<SessionCommands>;

  constructor(
    url: string,
    private readonly fallback: MemorySessionAssigner,
    private readonly newId: () => string,
  ) {
    this.cache = new RedisCache<SessionCommands>(
      url,
      { assignSessions: { numberOfKeys: 0, lua: ASSIGN_SCRIPT }, findLiveSession: { numberOfKeys: 0, lua: FIND_SCRIPT } },
      'Sessions',
      'sessions decided by this node alone',
    );
  }

  /** Resolves once connected, or after `ms` (the first calls then use the fallback). */
  ready(ms?: number): Promise<void> {
    return this.cache.ready(ms);
  }

  async assign(requests: readonly SessionRequest[]): Promise<SessionAnswer[]> {
    if (requests.length === 0) return [];
    const args: string[] = [String(SESSION_TIMEOUT_MS), String(ENTRY_TTL_MS)];
    for (const r of requests) {
      args.push(
        r.kind === 'visit' ? 'v' : 's',
        r.projectId,
        r.deviceIds.deviceId,
        r.deviceIds.previousDeviceId ?? '',
        String(r.at),
        r.kind === 'visit' ? this.newId() : '',
        r.profileId ?? '',
      );
    }
    const flat = await this.cache.attempt((r) => r.assignSessions(...args));
    if (!flat) return this.fallback.assign(requests);
    const answers = new Array<SessionAnswer>(requests.length);
    for (let i = 0; i < requests.length; i++) answers[i] = { deviceId: flat[2 * i], sessionId: flat[2 * i + 1] };
    return answers;
  }

  async findLive(projectId: string, deviceIds: DeviceIds, at: number): Promise<LiveSession | undefined> {
    const found = await this.cache.attempt((r) =>
      r.findLiveSession(projectId, deviceIds.deviceId, String(at), String(SESSION_TIMEOUT_MS), deviceIds.previousDeviceId ?? ''),
    );
    // null: Redis answered that the device has no live session; undefined: Redis did not answer.
    if (found === undefined) return this.fallback.findLive(projectId, deviceIds, at);
    return found ? { deviceId: found[0], sessionId: found[1], previous: found[2] === '1' } : undefined;
  }

  close(): Promise<void> {
    return this.cache.close();
  }
}
