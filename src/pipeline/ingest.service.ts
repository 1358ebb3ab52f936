import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ProjectStore } from '@app/database';
import { detectBot, type DeviceIds, type EventRow, type IncomingEvent, readSpecialProperties } from '@app/ingest';
import { APP_CONFIG, type AppConfig } from '../config';
import { DuplicateFilter, IdempotencyCache, type PreparedEvent } from './duplicate-filter';
import { EventEnricher, type SessionSlot } from './event-enricher.service';
import { IngestCounts } from './ingest-counts';
import { IngestWriters } from './ingest-writers.service';
import type { EventOutcome, IngestSource } from './ingest.types';
import { ProfilesService } from './profiles.service';
import { RedisIdempotency } from './redis-idempotency';
import { stored } from './store-outage';

const PROJECT_TTL_MS = 10_000;
/**
 * How long other nodes recognise an id, at most: SDKs retry within minutes, and every event
 * with an id (most capture SDKs send a uuid with each) holds a Redis key this long, about
 * 100 bytes. This node's own cache keeps IDEMPOTENCY_TTL_MS.
 */
const SHARED_ID_TTL_MS = 60 * 60 * 1000;

/**
 * The events of every source (OpenPanel /track, PostHog, Segment, Commanders Act), after
 * their adapter: bots left out, each event enriched (EventEnricher), retries recognised
 * (DuplicateFilter), then one durable write (IngestWriters). Profile and group changes take
 * ProfileChanges; BatchApplier runs both in a request's order.
 */
@Injectable()
export class IngestService implements OnModuleInit, OnApplicationShutdown {
  private readonly duplicates: DuplicateFilter<EventRow>;
  /** With REDIS_URL: retries recognised by every API node, not only the one that saw the first attempt. */
  private readonly sharedIds?: RedisIdempotency;
  private readonly projectSettings = new LRUCache<string, Promise<{ allowUnsafeRevenue: boolean }>>({ max: 10_000, ttl: PROJECT_TTL_MS });

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly projects: ProjectStore,
    private readonly writers: IngestWriters,
    private readonly enricher: EventEnricher,
    private readonly profiles: ProfilesService,
    private readonly counts: IngestCounts,
  ) {
    if (config.redisUrl) this.sharedIds = new RedisIdempotency(config.redisUrl, Math.min(config.ingest.idempotencyTtlMs, SHARED_ID_TTL_MS));
    this.duplicates = new DuplicateFilter(
      new IdempotencyCache(config.ingest.idempotencyTtlMs),
      (rows) => this.writers.writeEvents(rows),
      this.sharedIds,
    );
  }

  async onModuleInit(): Promise<void> {
    await this.sharedIds?.ready();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sharedIds?.close();
  }

  /** Enriches and stores events; resolves once each is durable. 503 when the buffer is full. */
  async ingestEvents(source: IngestSource, events: IncomingEvent[]): Promise<EventOutcome[]> {
    this.writers.assertRoomForEvents(events.length);
    const outcomes = new Array<EventOutcome>(events.length);
    const prepared: PreparedEvent<EventRow>[] = [];
    // What every event of the call shares is looked up once, so preparing an event waits on
    // nothing but its session.
    const profileIds = await stored(() =>
      this.profiles.resolveAll(
        source.projectId,
        events.map((e) => e.profileId),
      ),
    );
    const revenueAllowed = source.trusted || (await stored(() => this.projectFlags(source.projectId))).allowUnsafeRevenue;
    // Events of one call share their sender: one device hash per user agent and IP of the call.
    const devices = new Map<string, DeviceIds>();
    const sessions: SessionSlot[] = [];
    // Events of one call are prepared in order, and their sessions decided in that order
    // afterwards, so a batch's sessions follow its timeline. Nothing awaits once the day's
    // salts are loaded, except the one call to Redis when sessions live there.
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
      const salts = this.enricher.peekSalts(event.receivedAt) ?? (await this.enricher.loadSalts(event.receivedAt));
      const p = this.enricher.enrich(source, event, i, { special, userAgent, salts, devices, profileIds, revenueAllowed, sessions });
      prepared.push(p);
    }
    const assigning = this.enricher.assignSessions(sessions);
    if (assigning) await assigning;
    for (const p of prepared)
      outcomes[p.index] = { status: 'stored', eventId: p.row.id, deviceId: p.row.device_id, sessionId: p.row.session_id };
    await this.duplicates.write(prepared, (index) => {
      const o = outcomes[index];
      if (o.status === 'stored') outcomes[index] = { ...o, status: 'duplicate' };
    });
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

  private projectFlags(projectId: string): Promise<{ allowUnsafeRevenue: boolean }> {
    let hit = this.projectSettings.get(projectId);
    if (!hit) {
      hit = this.projects.ingestSettings(projectId);
      this.projectSettings.set(projectId, hit);
      hit.catch(() => this.projectSettings.delete(projectId));
    }
    return hit;
  }

  /** Resolves once every acknowledged event is visible to queries. */
  async drain(): Promise<void> {
    await this.writers.drain();
  }
}
