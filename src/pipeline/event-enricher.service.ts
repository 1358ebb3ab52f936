import { isIP } from 'node:net';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  applyUserAgentOverrides,
  assignSession,
  detectBot,
  type DeviceIds,
  type DeviceSalts,
  type EventRow,
  eventIdFromClient,
  findLiveSession,
  GeoLookup,
  type IncomingEvent,
  MemoryProfileSessionIndex,
  MemorySessionStore,
  parseUserAgent,
  profileLiveSession,
  profileSessionKey,
  type ProfileTraits,
  profileTraits,
  readSpecialProperties,
  resolveDeviceId,
  resolveTimestamp,
  type SpecialProperties,
  toEventRow,
} from '@app/ingest';
import { APP_CONFIG, type AppConfig } from '../config';
import type { PreparedEvent } from './duplicate-filter';
import type { IngestSource } from './ingest.types';
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
}

/**
 * The enrich stage: an incoming event becomes its row (device id from the daily salt,
 * session, geolocation, user agent, timestamps, the event id), synchronously once the day's
 * salts are loaded. It owns the geolocation database and the session store, so the answers
 * of OpenPanel's legacy routes (device id, session, profile traits) come from the same place.
 */
@Injectable()
export class EventEnricher implements OnModuleInit {
  private readonly geo: GeoLookup;
  private readonly sessions = new MemorySessionStore();
  /** The device each profile was last seen on in a session, for its server-side events. */
  private readonly profileDevices = new MemoryProfileSessionIndex();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly salts: SaltsService,
  ) {
    this.geo = new GeoLookup({ dbPath: config.geoDbPath });
  }

  async onModuleInit(): Promise<void> {
    await this.geo.open().catch((e: unknown) => {
      const path = this.config.geoDbPath;
      if (!path) throw e;
      throw new Error(`GEO_DB_PATH=${JSON.stringify(path)} is not a MaxMind-format city database: ${(e as Error).message}`);
    });
  }

  /** The day's salts for an event received at `at`, when they are loaded (nearly always). */
  peekSalts(at: Date): DeviceSalts | undefined {
    return this.salts.peek(at);
  }

  /** Loads the day's salts (the first event of a day, or of the process). */
  loadSalts(at: Date): Promise<DeviceSalts> {
    return stored(() => this.salts.forDate(at));
  }

  /** The row of one event. */
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
    let deviceId = deviceIds.deviceId;
    let sessionId = '';
    const profileId = event.profileId ? (profileIds.get(event.profileId) ?? event.profileId) : undefined;
    if (!fromPast && !ua.isServer) {
      const session = assignSession(this.sessions, { projectId, deviceIds, at: createdAt.getTime() });
      deviceId = session.deviceId;
      sessionId = session.sessionId;
      if (profileId) this.profileDevices.set(profileSessionKey(projectId, profileId), deviceId);
    } else if (!fromPast && profileId && !explicit) {
      // A server-side event of a profile that is on the site right now joins that visit.
      const live = profileLiveSession(this.sessions, this.profileDevices, projectId, profileId, createdAt.getTime());
      if (live) ({ deviceId, sessionId } = live);
    }
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
      findLiveSession(this.sessions, source.projectId, ids, now.getTime()) ?? { deviceId: ids.deviceId, sessionId: '', previous: false }
    );
  }

  /** What OpenPanel's legacy POST /profile merges into the profile from the request (profile-traits.ts). */
  requestTraits(ip: string, userAgent: string, properties?: Record<string, unknown>): ProfileTraits {
    return profileTraits(this.geo.lookup(ip), applyUserAgentOverrides(parseUserAgent(userAgent), properties));
  }

  /** The device id a request stands for (identify and friends answer it too). */
  async deviceIdFor(source: IngestSource, ip: string, userAgent: string, explicit?: string): Promise<string> {
    const salts = await stored(() => this.salts.forDate(new Date()));
    return resolveDeviceId({ projectId: source.projectId, ip, userAgent, salts, explicit }).deviceId;
  }
}
