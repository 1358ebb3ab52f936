import { isIP } from 'node:net';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ApiError } from '@app/common';
import { ProjectStore } from '@app/database';
import {
  applyUserAgentOverrides,
  assignSession,
  detectBot,
  type DeviceIds,
  findLiveSession,
  type DeviceSalts,
  type EventRow,
  eventIdFromClient,
  GeoLookup,
  type GroupUpdate,
  type IncomingEvent,
  MemorySessionStore,
  parseUserAgent,
  type ProfileTraits,
  profileTraits,
  type ProfileUpdate,
  readSpecialProperties,
  resolveDeviceId,
  resolveTimestamp,
  type SpecialProperties,
  toEventRow,
} from '@app/ingest';
import { APP_CONFIG, type AppConfig } from '../config';
import { IngestWriters } from './ingest-writers.service';
import { IdempotencyCache } from './idempotency';
import { IngestCounts } from './ingest-counts';
import type { EventOutcome, IngestSource } from './ingest.types';
import { ProfilesService } from './profiles.service';
import { SaltsService } from './salts.service';

const PROJECT_TTL_MS = 10_000;

/** What `prepare` needs besides the event: read once per event or once per call. */
interface PrepareInput {
  special: SpecialProperties;
  userAgent: string;
  salts: DeviceSalts;
  /** Device ids of this call by salt, IP and user agent. */
  devices: Map<string, DeviceIds>;
  profileIds: Map<string, string>;
  revenueAllowed: boolean;
}

interface Prepared {
  index: number;
  row: EventRow;
  /** Set when the client named the event (uuid, idempotency key, `__id`). */
  key?: string;
}

/**
 * The one ingestion pipeline every source uses (OpenPanel /track, PostHog, Segment,
 * Commanders Act): bots, device ids from the daily salt, sessions, geo, user agent, the
 * event row, then the durable writer. Profiles go to PostgreSQL and are mirrored.
 */
@Injectable()
export class IngestService implements OnModuleInit {
  private readonly logger = new Logger('Ingest');
  private readonly geo: GeoLookup;
  private readonly sessions = new MemorySessionStore();
  private readonly idempotency: IdempotencyCache;
  private readonly geoDbPath: string | undefined;
  private readonly projectSettings = new LRUCache<string, Promise<{ allowUnsafeRevenue: boolean }>>({ max: 10_000, ttl: PROJECT_TTL_MS });

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly projects: ProjectStore,
    private readonly writers: IngestWriters,
    private readonly salts: SaltsService,
    private readonly profiles: ProfilesService,
    private readonly counts: IngestCounts,
  ) {
    this.geoDbPath = config.geoDbPath;
    this.geo = new GeoLookup({ dbPath: config.geoDbPath });
    this.idempotency = new IdempotencyCache(config.ingest.idempotencyTtlMs);
  }

  async onModuleInit(): Promise<void> {
    await this.geo.open().catch((e: unknown) => {
      if (!this.geoDbPath) throw e;
      throw new Error(`GEO_DB_PATH=${JSON.stringify(this.geoDbPath)} is not a MaxMind-format city database: ${(e as Error).message}`);
    });
  }

  /** Enriches and stores events; resolves once each is durable. 503 when the buffer is full. */
  async ingestEvents(source: IngestSource, events: IncomingEvent[]): Promise<EventOutcome[]> {
    this.writers.assertRoomForEvents(events.length);
    const outcomes = new Array<EventOutcome>(events.length);
    const prepared: Prepared[] = [];
    // What every event of the call shares is looked up once, so preparing an event waits on
    // nothing but its session.
    const profileIds = await this.stored(() => this.profiles.resolveAll(source.projectId, events.map((e) => e.profileId)));
    const revenueAllowed = source.trusted || (await this.stored(() => this.projectFlags(source.projectId))).allowUnsafeRevenue;
    // Events of one call share their sender: one device hash per user agent and IP of the call.
    const devices = new Map<string, DeviceIds>();
    // Events of one call are prepared in order, so a batch's sessions follow its timeline.
    // Nothing in the loop awaits once the day's salts are loaded.
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      const special = readSpecialProperties(event.properties);
      const userAgent = special.userAgent ?? event.context.userAgent;
      if (!source.trusted) {
        const bot = detectBot(userAgent);
        if (bot) {
          outcomes[i] = { status: 'bot', bot: { name: bot.name, type: bot.type } };
          continue;
        }
      }
      const salts = this.salts.peek(event.receivedAt) ?? (await this.stored(() => this.salts.forDate(event.receivedAt)));
      const p = this.prepare(source, event, i, { special, userAgent, salts, devices, profileIds, revenueAllowed });
      prepared.push(p);
      outcomes[i] = { status: 'stored', eventId: p.row.id, deviceId: p.row.device_id, sessionId: p.row.session_id };
    }

    // Rows with an id seen before (or twice in this call) wait for the write that carries
    // that id instead of being written again; everything else goes in one durable write.
    const fresh: Prepared[] = [];
    const freshKeys: string[] = [];
    const repeats: { p: Prepared; earlier?: Promise<void> }[] = [];
    const inCall = new Set<string>();
    for (const p of prepared) {
      if (!p.key) {
        fresh.push(p);
        continue;
      }
      const earlier = this.idempotency.lookup(p.key);
      if (earlier || inCall.has(p.key)) {
        repeats.push({ p, earlier });
        continue;
      }
      inCall.add(p.key);
      fresh.push(p);
      freshKeys.push(p.key);
    }
    const write = fresh.length > 0 ? this.writers.writeEvents(fresh.map((p) => p.row)) : Promise.resolve();
    this.idempotency.remember(freshKeys, write);
    // The rows are serialised now: let them go while the request waits for the durable write
    // (hundreds of requests wait at once, and what they hold is what each scavenge copies).
    prepared.length = 0;
    fresh.length = 0;
    const settled = await Promise.allSettled([write, ...repeats.map((r) => this.settleRepeat(r.p, r.earlier ?? write, outcomes))]);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const counts = this.counts.byChannel[source.channel];
    for (const o of outcomes) {
      if (o.status === 'stored') counts.accepted++;
      else counts[o.status]++;
    }
    return outcomes;
  }

  /** Items of an answered request that were refused before reaching the pipeline (metrics). */
  countRejected(source: IngestSource, items: number): void {
    this.counts.byChannel[source.channel].rejected += items;
  }

  /** A repeated id: a duplicate once the earlier write succeeds; written anew if it failed. */
  private async settleRepeat(p: Prepared, earlier: Promise<void>, outcomes: EventOutcome[]): Promise<void> {
    try {
      await earlier;
    } catch {
      const again = this.idempotency.lookup(p.key!);
      if (again && again !== earlier) return this.settleRepeat(p, again, outcomes);
      const write = this.writers.writeEvents([p.row]);
      this.idempotency.remember([p.key!], write);
      await write;
      return;
    }
    const o = outcomes[p.index];
    if (o.status === 'stored') outcomes[p.index] = { ...o, status: 'duplicate' };
  }

  private prepare(source: IngestSource, event: IncomingEvent, index: number, shared: PrepareInput): Prepared {
    const { special, userAgent, salts, devices, profileIds, revenueAllowed } = shared;
    const projectId = source.projectId;
    // The wire format's own field for the visitor's address, when it holds one (posthog-js
    // sends `?ip=1`, a flag).
    const named = special.ip ?? event.context.namedIp;
    const ip = named !== undefined && isIP(named) !== 0 ? named : event.context.ip;
    const { createdAt, fromPast } = resolveTimestamp(event.clientTimestamp ?? special.timestamp, event.receivedAt);
    const ua = applyUserAgentOverrides(parseUserAgent(userAgent), event.properties);
    const explicit = event.deviceId ?? special.deviceId;
    let deviceIds: DeviceIds;
    if (explicit) {
      deviceIds = resolveDeviceId({ projectId, ip, userAgent, salts, explicit });
    } else {
      const key = `${salts.current}\u0000${ip}\u0000${userAgent}`;
      deviceIds = devices.get(key) ?? resolveDeviceId({ projectId, ip, userAgent, salts });
      devices.set(key, deviceIds);
    }
    let deviceId = deviceIds.deviceId;
    let sessionId = '';
    if (!fromPast && !ua.isServer) {
      const session = assignSession(this.sessions, { projectId, deviceIds, at: createdAt.getTime() });
      deviceId = session.deviceId;
      sessionId = session.sessionId;
    }
    const profileId = event.profileId ? (profileIds.get(event.profileId) ?? event.profileId) : undefined;
    const id = eventIdFromClient(projectId, event.id ?? special.id);
    const row = toEventRow(event, {
      deviceId,
      sessionId,
      createdAt,
      geo: this.geo.lookup(ip),
      userAgent: ua,
      special,
      projectId,
      profileId,
      revenue: revenueAllowed ? undefined : 0,
      id,
    });
    return { index, row, key: id ? `${projectId}:${id}` : undefined };
  }

  private projectFlags(projectId: string): Promise<{ allowUnsafeRevenue: boolean }> {
    let hit = this.projectSettings.get(projectId);
    if (!hit) {
      hit = this.projects.ingestSettings(projectId);
      this.projectSettings.set(projectId, hit);
      hit.catch(() => this.projectSettings.delete(projectId));
    }
    return hit;
  }

  /**
   * The bot an event's user agent names, when the sender is not trusted (its event is then
   * not counted): callers that change a profile for an event ask first.
   */
  botOf(source: IngestSource, event: IncomingEvent): { name: string; type: string } | undefined {
    return this.botOfAgent(source, readSpecialProperties(event.properties).userAgent ?? event.context.userAgent);
  }

  /** The bot a request's user agent names, when the sender is not trusted (calls without an event). */
  botOfAgent(source: IngestSource, userAgent: string): { name: string; type: string } | undefined {
    if (source.trusted) return undefined;
    const bot = detectBot(userAgent);
    return bot ? { name: bot.name, type: bot.type } : undefined;
  }

  /**
   * The device a request stands for and the session its next event would join (none: an
   * empty id), with the salts, hash and session store /track uses, so the answer is what a
   * /track from the same user agent and address then gets.
   */
  async deviceSession(source: IngestSource, ip: string, userAgent: string, now = new Date()): Promise<{ deviceId: string; sessionId: string; previous: boolean }> {
    const salts = await this.stored(() => this.salts.forDate(now));
    const ids = resolveDeviceId({ projectId: source.projectId, ip, userAgent, salts });
    return findLiveSession(this.sessions, source.projectId, ids, now.getTime()) ?? { deviceId: ids.deviceId, sessionId: '', previous: false };
  }

  /** What OpenPanel's legacy POST /profile merges into the profile from the request (profile-traits.ts). */
  requestTraits(ip: string, userAgent: string, properties?: Record<string, unknown>): ProfileTraits {
    return profileTraits(this.geo.lookup(ip), applyUserAgentOverrides(parseUserAgent(userAgent), properties));
  }

  /** The device id a request stands for (identify and friends answer it too). */
  async deviceIdFor(source: IngestSource, ip: string, userAgent: string, explicit?: string): Promise<string> {
    const salts = await this.stored(() => this.salts.forDate(new Date()));
    return resolveDeviceId({ projectId: source.projectId, ip, userAgent, salts, explicit }).deviceId;
  }

  /** identify: upsert of the profile (PostgreSQL), mirrored to ClickHouse. */
  async identify(source: IngestSource, update: ProfileUpdate): Promise<void> {
    await this.stored(async () => this.profiles.identify(source.projectId, { ...update, profileId: await this.profiles.resolve(source.projectId, update.profileId) }));
  }

  /** increment (delta > 0) / decrement (delta < 0) of a numeric profile property, atomically. */
  async increment(source: IngestSource, profileId: string, property: string, delta: number): Promise<void> {
    await this.stored(async () => this.profiles.increment(source.projectId, await this.profiles.resolve(source.projectId, profileId), property, delta));
  }

  /** Later events sent under `alias` are attributed to `profileId`. */
  async alias(source: IngestSource, profileId: string, alias: string): Promise<void> {
    await this.stored(() => this.profiles.alias(source.projectId, profileId, alias));
  }

  async upsertGroup(source: IngestSource, group: GroupUpdate): Promise<void> {
    await this.stored(() => this.profiles.upsertGroup(source.projectId, group));
  }

  /** Adds groups to a profile; `isExternal` false when the id is a device id. */
  async assignGroups(source: IngestSource, profileId: string, groupIds: string[], isExternal = true): Promise<void> {
    await this.stored(async () => this.profiles.assignGroups(source.projectId, await this.profiles.resolve(source.projectId, profileId), groupIds, isExternal));
  }

  /**
   * Callers check every item before they write (@app/ingest's ingest-checks.ts), so a store that fails now
   * is an outage, not the sender's fault: a 503 the sender retries, never a 500. The domain's
   * own answers (404 unknown profile, 400 not a number) pass as they are.
   */
  private async stored<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      this.logger.error(`a store failed during ingestion: ${(error as Error)?.message ?? String(error)}`);
      throw new ApiError('unavailable', 'Ingestion could not reach its stores, retry shortly', undefined, { 'Retry-After': '1' });
    }
  }

  /** Resolves once every acknowledged event is visible to queries. */
  async drain(): Promise<void> {
    await this.writers.drain();
  }
}
