import { isIP } from 'node:net';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  applyUserAgentOverrides,
  detectBot,
  type DeviceIds,
  type DeviceSalts,
  type EventRow,
  eventIdFromClient,
  type GeoInfo,
  GeoLookup,
  type IncomingEvent,
  MemorySessionAssigner,
  parseUserAgent,
  type ProfileTraits,
  profileTraits,
  readSpecialProperties,
  resolveDeviceId,
  resolveTimestamp,
  type SessionAnswer,
  type SessionAssigner,
  type SessionRequest,
  type SpecialProperties,
  toEventRow,
} from '@app/ingest';
import { APP_CONFIG, type AppConfig } from '../config';
import type { PreparedEvent } from './duplicate-filter';
import type { IngestSource } from './ingest.types';
import { RedisSessionAssigner } from './redis-session-assigner';
import { SaltsService } from './salts.service';
import { stored } from './store-outage';

/** What enriching an event needs besides the event: read once per event or once per call. */
export interface EnrichInput {
  special: SpecialProperties;
  userAgent: string;
  salts: DeviceSalts;
  /** Device ids of this call by salt, IP and user agent. */
  devices: Map<string, DeviceIds>;
  /** What each profile id of the call stands for (aliases resolved). */
  profileIds: Map<string, string>;
  revenueAllowed: boolean;
  /** Rows of the call waiting for their session, in the call's order (see assignSessions). */
  sessions: SessionSlot[];
}

/** A row whose device and session ids assignSessions fills in. */
export interface SessionSlot {
  request: SessionRequest;
  row: EventRow;
}

/**
 * The enrich stage: an incoming event becomes its row (device id from the daily salt,
 * session, geolocation, user agent, timestamps, the event id), synchronously once the day's
 * salts are loaded, except the session: the sessions of a call's events are decided together
 * afterwards (assignSessions), in this process's memory or, with REDIS_URL, in Redis so every
 * API node gives a device's events the same session. It owns the geolocation database and the
 * session assigner, so the answers of OpenPanel's legacy routes (device id, session, profile
 * traits) come from the same place.
 */
@Injectable()
export class EventEnricher implements OnModuleInit, OnApplicationShutdown {
  private readonly geo: GeoLookup;
  private readonly sessions: SessionAssigner;
  private readonly redisSessions?: RedisSessionAssigner;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly salts: SaltsService,
  ) {
    this.geo = new GeoLookup({ dbPath: config.geoDbPath });
    const memory = new MemorySessionAssigner();
    if (config.redisUrl) this.redisSessions = new RedisSessionAssigner(config.redisUrl, memory, randomUUID);
    this.sessions = this.redisSessions ?? memory;
  }

  async onModuleInit(): Promise<void> {
    await this.redisSessions?.ready();
    await this.geo.open().catch((e: unknown) => {
      const path = this.config.geoDbPath;
      if (!path) throw e;
      throw new Error(`GEO_DB_PATH=${JSON.stringify(path)} is not a MaxMind-format city database: ${(e as Error).message}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redisSessions?.close();
  }

  /** The day's salts for an event received at `at`, when they are loaded (nearly always). */
  peekSalts(at: Date): DeviceSalts | undefined {
    return this.salts.peek(at);
  }

  /** Loads the day's salts (the first event of a day, or of the process). */
  loadSalts(at: Date): Promise<DeviceSalts> {
    return stored(() => this.salts.forDate(at));
  }

  /**
   * The row of one event, its device and session ids provisional until assignSessions has
   * run over `shared.sessions`.
   */
  enrich(source: IngestSource, event: IncomingEvent, index: number, shared: EnrichInput): PreparedEvent<EventRow> {
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
    const profileId = event.profileId ? (profileIds.get(event.profileId) ?? event.profileId) : undefined;
    // A backdated event opens no session here (the sessions table gives it one); a server-side
    // event of a profile that is on the site right now joins that visit.
    let request: SessionRequest | undefined;
    if (!fromPast && !ua.isServer) request = { kind: 'visit', projectId, deviceIds, at: createdAt.getTime(), profileId };
    else if (!fromPast && profileId && !explicit) request = { kind: 'server', projectId, deviceIds, at: createdAt.getTime(), profileId };
    const id = eventIdFromClient(projectId, event.id ?? special.id);
    const row = toEventRow(event, {
      deviceId: deviceIds.deviceId,
      sessionId: '',
      createdAt,
      geo: this.geo.lookup(ip),
      userAgent: ua,
      special,
      projectId,
      profileId,
      revenue: revenueAllowed ? undefined : 0,
      id,
    });
    if (request) shared.sessions.push({ request, row });
    return { index, row, key: id ? `${projectId}:${id}` : undefined };
  }

  /**
   * Decides the sessions of a call's rows in their order and fills in their device and
   * session ids: synchronously in memory (nothing to await: undefined), or with one promise
   * for the call when sessions live in Redis.
   */
  assignSessions(slots: readonly SessionSlot[]): Promise<void> | undefined {
    if (slots.length === 0) return undefined;
    const answers = this.sessions.assign(slots.map((s) => s.request));
    if (!(answers instanceof Promise)) {
      fillSessions(slots, answers);
      return undefined;
    }
    return answers.then((a) => fillSessions(slots, a));
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
  async deviceSession(
    source: IngestSource,
    ip: string,
    userAgent: string,
    now = new Date(),
  ): Promise<{ deviceId: string; sessionId: string; previous: boolean }> {
    const salts = await stored(() => this.salts.forDate(now));
    const ids = resolveDeviceId({ projectId: source.projectId, ip, userAgent, salts });
    return (
      (await this.sessions.findLive(source.projectId, ids, now.getTime())) ?? { deviceId: ids.deviceId, sessionId: '', previous: false }
    );
  }

  /** What OpenPanel's legacy POST /profile merges into the profile from the request (profile-traits.ts). */
  requestTraits(ip: string, userAgent: string, properties?: Record<string, unknown>): ProfileTraits {
    return profileTraits(this.geo.lookup(ip), applyUserAgentOverrides(parseUserAgent(userAgent), properties));
  }

  /** Where an address is, from the geolocation database (imports fill rows that lack it). */
  geoOf(ip: string): Readonly<GeoInfo> {
    return this.geo.lookup(ip);
  }

  /** The device id a request stands for (identify and friends answer it too). */
  async deviceIdFor(source: IngestSource, ip: string, userAgent: string, explicit?: string): Promise<string> {
    const salts = await stored(() => this.salts.forDate(new Date()));
    return resolveDeviceId({ projectId: source.projectId, ip, userAgent, salts, explicit }).deviceId;
  }
}

function fillSessions(slots: readonly SessionSlot[], answers: SessionAnswer[]): void {
  for (let i = 0; i < slots.length; i++) {
    slots[i].row.device_id = answers[i].deviceId;
    slots[i].row.session_id = answers[i].sessionId;
  }
}
