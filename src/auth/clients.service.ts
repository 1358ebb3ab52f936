import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditStore, ClientEntity, type ClientMode, ProjectStore } from '@app/database';
import { APP_CONFIG, type AppConfig } from '../config';
import { AuthInvalidationBus } from './auth-invalidation';
import type { AuthClient } from './auth.types';
import { generateSecret, hashSecret, secretFingerprint, verifySecret } from './secret';

export interface NewClient {
  name: string;
  mode: ClientMode;
  organizationId: string;
  projectId?: string | null;
  public?: boolean;
  /** Fixed id and secret (bootstrap from env); generated when absent. */
  id?: string;
  secret?: string;
  /** The secret's hash, computed ahead (`withCredentials`) so that no transaction waits for scrypt. */
  secretHash?: string;
}

interface CacheEntry<T> {
  value: Promise<T>;
  expires: number;
}

const MAX_VERIFIED = 10_000;

/** Keyed by the stored hash too, so a changed or deleted client never matches an old entry. */
function verifiedKey(client: AuthClient, secret: string): string {
  return `${client.id}:${client.secretHash}:${secretFingerprint(client.id, secret)}`;
}
const VERIFIED_TTL_MS = 60 * 60 * 1000;
/** A verified entry's expiry is pushed back at most this often (not on every request). */
const VERIFIED_REFRESH_MS = 60 * 1000;

/**
 * Client lookup and secret checks for the auth guard. Lookups and verified secrets are
 * cached for `AUTH_CACHE_TTL_MS` (scrypt is deliberately slow; the hot path must not pay it
 * per request); concurrent lookups of one id share a single query. Deleting a client
 * through this service drops it from the cache at once, on this node and (with REDIS_URL,
 * through AuthInvalidationBus) on every other.
 */
@Injectable()
export class ClientsService implements OnModuleInit {
  private readonly lookups = new Map<string, CacheEntry<AuthClient | null>>();
  private readonly verified = new Map<string, number>();
  private readonly verifying = new Map<string, Promise<boolean>>();
  private readonly known = new LRUCache<string, true>({ max: 100_000 });

  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly bus: AuthInvalidationBus,
    private readonly audit: AuditStore,
  ) {
    bus.onInvalidate((id) => this.forget(id));
  }

  async onModuleInit(): Promise<void> {
    await this.bus.ready();
  }

  /** Whether the client `id` exists; without an id, whether any client does. */
  exists(id?: string): Promise<boolean> {
    const repo = this.dataSource.getRepository(ClientEntity);
    return id === undefined ? repo.exists() : repo.existsBy({ id });
  }

  /** Forgets every client of a project (its CORS list or its deletion changed). */
  async forgetClientsOf(projectId: string): Promise<void> {
    const clients = await this.dataSource.getRepository(ClientEntity).find({ select: { id: true }, where: { projectId } });
    for (const c of clients) this.invalidate(c.id);
  }

  findForAuth(id: string): Promise<AuthClient | null> {
    const now = Date.now();
    const hit = this.lookups.get(id);
    if (hit && hit.expires > now) return hit.value;
    const value = this.load(id);
    this.lookups.set(id, { value, expires: now + this.config.authCacheTtlMs });
    value.catch(() => this.lookups.delete(id));
    if (this.lookups.size > MAX_VERIFIED) this.prune(this.lookups, now);
    return value;
  }

  /**
   * Whether `secret` is the client's. A verified pair is remembered for an hour, keyed by
   * the stored hash too, so a changed or deleted client never matches an old entry (and the
   * client itself is reloaded every AUTH_CACHE_TTL_MS). Concurrent checks of one pair share
   * one scrypt run: without that, a burst of requests from a new (or expired) client queues
   * hundreds of scrypt runs on libuv's small thread pool, which the write-ahead log's fsyncs
   * also need.
   */
  checkSecret(client: AuthClient, secret: string): Promise<boolean> {
    const key = verifiedKey(client, secret);
    if (this.isVerifiedKey(key)) return Promise.resolve(true);
    let pending = this.verifying.get(key);
    if (!pending) {
      pending = verifySecret(secret, client.secretHash).then(
        (ok) => {
          this.verifying.delete(key);
          if (ok) {
            if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
            this.verified.set(key, Date.now() + VERIFIED_TTL_MS);
          }
          return ok;
        },
        (error: unknown) => {
          this.verifying.delete(key);
          throw error;
        },
      );
      this.verifying.set(key, pending);
    }
    return pending;
  }

  /** Whether `secret` was verified for this client lately: answered without hashing. */
  isVerified(client: AuthClient, secret: string): boolean {
    return this.isVerifiedKey(verifiedKey(client, secret));
  }

  /** The cached lookup of `id`, or undefined when answering it would take a query. */
  cachedForAuth(id: string): Promise<AuthClient | null> | undefined {
    const hit = this.lookups.get(id);
    return hit && hit.expires > Date.now() ? hit.value : undefined;
  }

  /**
   * An entry lasts an hour from its last use, so a sender that keeps sending is never asked
   * to prove its secret again (and never meets the failed-authentication budget).
   */
  private isVerifiedKey(key: string): boolean {
    const until = this.verified.get(key);
    const now = Date.now();
    if (until === undefined || until <= now) return false;
    if (until - now < VERIFIED_TTL_MS - VERIFIED_REFRESH_MS) this.verified.set(key, now + VERIFIED_TTL_MS);
    return true;
  }

  /** Whether `id` named a client at some lookup: refreshing it is not guessing. */
  wasKnown(id: string): boolean {
    return this.known.has(id);
  }

  /** Forget a client (deleted, renamed, its project deleted) on every node: the next request reloads it. */
  invalidate(id?: string): void {
    this.forget(id);
    this.bus.announce(id);
  }

  /** Forget a client on this node. */
  private forget(id?: string): void {
    if (id === undefined) {
      this.lookups.clear();
      this.verified.clear();
      return;
    }
    this.lookups.delete(id);
    for (const key of this.verified.keys()) if (key.startsWith(`${id}:`)) this.verified.delete(key);
  }

  /** Creates the client, in the caller's transaction when it passes its manager. */
  async create(input: NewClient, manager: EntityManager = this.dataSource.manager): Promise<{ client: ClientEntity; secret: string }> {
    const { secret, secretHash } = await this.withCredentials(input);
    const repo = manager.getRepository(ClientEntity);
    const entity = repo.create({
      ...(input.id ? { id: input.id } : {}),
      name: input.name,
      mode: input.mode,
      organizationId: input.organizationId,
      projectId: input.projectId ?? null,
      public: input.public ?? false,
      secretHash,
    });
    const client = await repo.save(entity);
    this.invalidate(client.id);
    return { client, secret };
  }

  /**
   * Creates the client and its `client.create` audit row in one transaction (the caller's
   * when it passes its manager). `actorId` is the client making the change; null for the CLI.
   */
  async createAudited(
    input: NewClient,
    actorId: string | null,
    manager?: EntityManager,
  ): Promise<{ client: ClientEntity; secret: string }> {
    if (!manager) {
      const hashed = await this.withCredentials(input);
      return this.dataSource.transaction((m) => this.createAudited(hashed, actorId, m));
    }
    const created = await this.create(input, manager);
    const { client } = created;
    await this.audit.record(
      {
        organizationId: client.organizationId,
        clientId: actorId,
        action: 'client.create',
        targetType: 'client',
        targetId: client.id,
        projectId: client.projectId,
        changes: ['name', 'mode', ...(client.projectId ? ['projectId'] : []), ...(client.public ? ['public'] : [])],
      },
      manager,
    );
    return created;
  }

  /**
   * Creates an organisation and its first root client (`npm run cli -- create-organization`),
   * both audited with no acting client, in one transaction; the secret is returned once.
   */
  async createOrganization(name: string): Promise<{ organizationId: string; client: ClientEntity; secret: string }> {
    const credentials = await this.withCredentials({});
    return this.dataSource.transaction(async (m) => {
      const organization = await this.projects.createOrganization(name, m);
      const organizationId = organization.id;
      const target = { targetType: 'organization', targetId: organizationId } as const;
      await this.audit.record({ organizationId, clientId: null, action: 'organization.create', ...target, changes: ['name'] }, m);
      const created = await this.createAudited({ name: 'root client', mode: 'root', organizationId, ...credentials }, null, m);
      return { organizationId, ...created };
    });
  }

  /** The input's secret (generated when absent) and its hash (computed unless given). */
  async withCredentials<T extends Pick<NewClient, 'secret' | 'secretHash'>>(input: T): Promise<T & { secret: string; secretHash: string }> {
    const secret = input.secret ?? generateSecret();
    const secretHash = input.secret !== undefined && input.secretHash !== undefined ? input.secretHash : await hashSecret(secret);
    return { ...input, secret, secretHash };
  }

  private async load(id: string): Promise<AuthClient | null> {
    const row = await this.dataSource.getRepository(ClientEntity).findOneBy({ id });
    if (!row) return null;
    this.known.set(id, true);
    const project = row.projectId === null ? null : await this.projects.authView(row.projectId);
    // A client of a project being deleted stops working at once.
    if (project?.deleteAt) return null;
    return {
      id: row.id,
      name: row.name,
      mode: row.mode,
      organizationId: row.organizationId,
      projectId: row.projectId,
      public: row.public,
      secretHash: row.secretHash,
      projectCors: project?.cors ?? [],
    };
  }

  private prune<T>(map: Map<string, CacheEntry<T>>, now: number): void {
    for (const [k, v] of map) if (v.expires <= now) map.delete(k);
  }
}
