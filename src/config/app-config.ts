import { resolve } from 'node:path';

export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** Named limits; a controller picks one with @RateLimit(name). */
export type RateLimitName = 'export' | 'insights' | 'manage' | 'import';

/**
 * The opt-in budget of the ingestion routes (TRACK_RATE_LIMIT): per sender IP (one visitor of
 * a site), per client (every sender of one key together), or both counters at once.
 */
export interface IngestRateLimit extends RateLimit {
  by: 'ip' | 'client' | 'both';
}

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL server; undefined = embedded PGlite in `${dataDir}/pg`. */
  databaseUrl?: string;
  databasePoolSize: number;
  /** ClickHouse server; undefined = embedded chDB in `${dataDir}/clickhouse`. */
  clickhouseUrl?: string;
  clickhouseDatabase: string;
  /** Data directory of the embedded engine (default `${dataDir}/clickhouse`). */
  chdbPath: string;
  clickhouseCluster?: string;
  redisUrl?: string;
  rootClient?: { id: string; secret: string };
  trustProxy: boolean;
  authCacheTtlMs: number;
  rateLimits: Record<RateLimitName, RateLimit>;
  /** Unset (the default): ingestion has no request budget, only back-pressure and caps. */
  ingestRateLimit?: IngestRateLimit;
  /** Failed authentications allowed per client id and per IP in a window before 429 (no hashing then). */
  authFailures: RateLimit;
  /** Bulk exports (NDJSON/CSV streams) running at once on this node, and per client. */
  exportStreams: { perNode: number; perClient: number };
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  logJson: boolean;
  shutdownTimeoutMs: number;
  http: HttpTimeouts;
  /** A MaxMind-format city database (GeoLite2/GeoIP2/DB-IP); undefined = the shipped DB-IP lite. */
  geoDbPath?: string;
  ingest: IngestConfig;
  sessions: SessionsConfig;
  /** How often each node applies the projects' `retentionDays`; 0 = only when a retention is set or shortened. */
  retentionIntervalMs: number;
  erasure: ErasureConfig;
  /** Set: GET /metrics requires `Authorization: Bearer <token>`. Unset: it is public. */
  metricsToken?: string;
}

/** How long a connection may take to deliver a request, and stay idle between requests. */
export interface HttpTimeouts {
  /** The whole request, headers and body, must arrive within this (408 and closed otherwise). */
  requestTimeoutMs: number;
  /** The request line and headers must arrive within this; at most requestTimeoutMs. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
}

export interface IngestConfig {
  /**
   * true: an event is acknowledged once it is fsync'ed to the local write-ahead log in
   * `${dataDir}/wal` and reaches ClickHouse in large background inserts (replayed at start
   * after a crash). false: acknowledged once its group-commit insert into ClickHouse returns.
   */
  wal: boolean;
  /** Rows per ClickHouse insert at most; an insert starts once this many are waiting. */
  flushRows: number;
  /** How long the oldest waiting row may wait before an insert starts anyway. */
  flushMs: number;
  /** Rows accepted but not yet in ClickHouse at most; beyond it, ingestion answers 503. */
  bufferRows: number;
  /** How long a client-supplied event id (idempotency key, uuid) is remembered. */
  idempotencyTtlMs: number;
}

/** The background builder of `sessions` (src/sessions). */
export interface SessionsConfig {
  /** How often it looks for new events; 0 = never on its own (only when asked, e.g. by a test). */
  buildIntervalMs: number;
}

/** The runner of person erasures (src/manage/erasures). */
export interface ErasureConfig {
  /** How often it looks for due jobs (also run right after a request); 0 = never on its own (a test that keeps a job pending). */
  intervalMs: number;
  /**
   * The wait before the second pass, which deletes what reached ClickHouse after the first:
   * events other nodes had acknowledged but not yet inserted (their buffers hold INGEST_FLUSH_MS),
   * and events their alias caches (60 s) still attributed to the person.
   */
  secondPassMs: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export function dataPath(config: AppConfig, ...parts: string[]): string {
  return resolve(config.dataDir, ...parts);
}

/** Where PostgreSQL is: the server of `DATABASE_URL`, else the embedded database's directory. */
export function databaseLocation(config: AppConfig): { url?: string; embeddedDir: string } {
  return { url: config.databaseUrl, embeddedDir: dataPath(config, 'pg') };
}
