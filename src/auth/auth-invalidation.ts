import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';

/** The channel on which nodes announce clients to forget ('' means every client). */
export const AUTH_INVALIDATION_CHANNEL = 'op:auth:invalidate';

/**
 * Tells every API node to forget a client it may have cached (deleted, changed, its project
 * deleted), through Redis pub/sub when REDIS_URL is set; without Redis there is no other node
 * to tell. Announcements made while Redis is unreachable are lost, so a node whose
 * subscription comes back forgets every client (each is then reloaded on its next request);
 * during the outage other nodes refuse a deleted client within AUTH_CACHE_TTL_MS, as before.
 */
export class AuthInvalidationBus implements OnApplicationShutdown {
  private readonly logger = new Logger('AuthCache');
  private readonly publisher?: Redis;
  private readonly subscriber?: Redis;
  private readonly listeners: ((id: string | undefined) => void)[] = [];
  private lastWarning = 0;

  constructor(redisUrl?: string) {
    if (!redisUrl) return;
    const options = { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1000 };
    this.publisher = new Redis(redisUrl, options);
    this.publisher.on('error', (e: Error) => this.warn(e));
    // A subscriber needs a connection of its own; it queues its SUBSCRIBE until connected.
    this.subscriber = new Redis(redisUrl, { ...options, enableOfflineQueue: true });
    this.subscriber.on('error', (e: Error) => this.warn(e));
    let subscribedOnce = false;
    this.subscriber.on('ready', () => {
      // After an outage, what was announced meanwhile is unknown: forget everything.
      if (subscribedOnce) this.emit(undefined);
      subscribedOnce = true;
    });
    this.subscriber.on('message', (_channel: string, id: string) => this.emit(id === '' ? undefined : id));
    this.subscriber.subscribe(AUTH_INVALIDATION_CHANNEL).catch((e: unknown) => this.warn(e as Error));
  }

  /** Resolves once subscribed, or after `ms` (announcements until then reach this node late). */
  async ready(ms = 1000): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber || subscriber.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      subscriber.once('ready', done);
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  /** Calls `listener` with each client id other nodes (and this one) announce; undefined: all. */
  onInvalidate(listener: (id: string | undefined) => void): void {
    this.listeners.push(listener);
  }

  /** Announces that `id` (undefined: every client) must be forgotten. Never throws. */
  announce(id: string | undefined): void {
    this.publisher?.publish(AUTH_INVALIDATION_CHANNEL, id ?? '').catch((e: unknown) => this.warn(e as Error));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.publisher, this.subscriber].map((r) => r?.quit().catch(() => r.disconnect())));
  }

  private emit(id: string | undefined): void {
    for (const listener of this.listeners) listener(id);
  }

  private warn(e: Error): void {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.logger.warn(`Redis unavailable, deleted clients reach other nodes within AUTH_CACHE_TTL_MS: ${e.message}`);
  }
}
