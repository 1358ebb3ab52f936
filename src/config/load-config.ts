import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { AppConfig } from './app-config';
import { EnvSchema } from './env.schema';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the environment once, at start. A bad value stops start-up with a
 * sentence naming the variable; nothing else in the code base reads process.env.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const e = plainToInstance(EnvSchema, { ...env });
  const errors = validateSync(e, { whitelist: true });
  if (errors.length > 0) {
    const lines = errors.map((err) => {
      const value = err.property.includes('SECRET') || err.property.includes('TOKEN') ? '(hidden)' : JSON.stringify(env[err.property]);
      return `${err.property}=${value} ${reasons(err.property, err.constraints ?? {})}`;
    });
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  if (Boolean(e.ROOT_CLIENT_ID) !== Boolean(e.ROOT_CLIENT_SECRET)) {
    throw new ConfigError('Invalid configuration: ROOT_CLIENT_ID and ROOT_CLIENT_SECRET must be set together');
  }
  // Node's own default is 300 s, and Fastify turns even that off. 30 s lets a 1 MB SDK batch
  // (the /track cap) arrive over a 300 kbit/s link; the larger capture and import caps
  // (10-20 MB) come from servers, which deliver them far faster. A client trickling its body
  // holds a connection (a file descriptor) for at most this long.
  const requestTimeoutMs = e.REQUEST_TIMEOUT_MS ?? 30_000;
  // Headers come in the first packets of a real client; a slow-headers sender gets less rope.
  const headersTimeoutMs = e.HEADERS_TIMEOUT_MS ?? Math.min(10_000, requestTimeoutMs);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      `Invalid configuration: HEADERS_TIMEOUT_MS=${headersTimeoutMs} must not exceed REQUEST_TIMEOUT_MS=${requestTimeoutMs} (the headers are part of the request)`,
    );
  }
  if (e.GEO_DB_PATH) assertReadableFile('GEO_DB_PATH', e.GEO_DB_PATH);
  const dataDir = e.DATA_DIR ?? './data';
  const windowMs = e.RATE_LIMIT_WINDOW_MS ?? 10_000;
  const wal = e.INGEST_WAL ?? true;
  return {
    port: e.PORT ?? 3333,
    host: e.HOST ?? '0.0.0.0',
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE ?? 10,
    clickhouseUrl: e.CLICKHOUSE_URL,
    clickhouseDatabase: e.CLICKHOUSE_DATABASE ?? 'openpanel',
    chdbPath: e.CHDB_PATH ?? resolve(dataDir, 'clickhouse'),
    clickhouseCluster: e.CLICKHOUSE_CLUSTER,
    redisUrl: e.REDIS_URL,
    rootClient: e.ROOT_CLIENT_ID && e.ROOT_CLIENT_SECRET ? { id: e.ROOT_CLIENT_ID.toLowerCase(), secret: e.ROOT_CLIENT_SECRET } : undefined,
    trustProxy: e.TRUST_PROXY ?? false,
    authCacheTtlMs: e.AUTH_CACHE_TTL_MS ?? 10_000,
    rateLimits: {
      export: { limit: e.EXPORT_RATE_LIMIT ?? 100, windowMs },
      insights: { limit: e.INSIGHTS_RATE_LIMIT ?? 100, windowMs },
      manage: { limit: e.MANAGE_RATE_LIMIT ?? 20, windowMs },
      import: { limit: e.IMPORT_RATE_LIMIT ?? 20, windowMs },
    },
    // One key serves every browser of a site, so a per-client default would refuse a busy
    // site's visitors (OpenPanel, PostHog and Segment set none): ingestion is opt-in.
    ingestRateLimit: e.TRACK_RATE_LIMIT ? { limit: e.TRACK_RATE_LIMIT, windowMs, by: e.TRACK_RATE_LIMIT_BY ?? 'ip' } : undefined,
    // A wrong secret costs a scrypt run on libuv's pool (the write-ahead log's fsyncs use it
    // too): ten tries a minute per client id and per address is plenty for a person or a
    // misconfigured sender, and makes guessing pointless.
    authFailures: { limit: e.AUTH_FAILURE_LIMIT ?? 10, windowMs: e.AUTH_FAILURE_WINDOW_MS ?? 60_000 },
    // A stream step costs the engine a few granules per 5,000 rows (libs/analytics), but on the
    // 2-core reference machine 8 unbounded ones stalled ingestion for seconds: 4 at once keep
    // a core for everything else, and 2 per client keep one client from taking them all.
    exportStreams: { perNode: e.EXPORT_STREAMS ?? 4, perClient: e.EXPORT_STREAMS_PER_CLIENT ?? 2 },
    logLevel: e.LOG_LEVEL ?? 'log',
    logJson: (e.LOG_FORMAT ?? 'json') === 'json',
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    http: {
      requestTimeoutMs,
      headersTimeoutMs,
      // Fastify's default, longer than the idle timeout of common proxies and load balancers
      // (60 s): the proxy closes an idle connection first, so it never reuses one the server
      // has just closed (a 502 to the caller).
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS ?? 72_000,
    },
    geoDbPath: e.GEO_DB_PATH,
    ingest: {
      wal,
      flushRows: e.INGEST_FLUSH_ROWS ?? 50_000,
      // With the log, the interval only delays when queries see an event (the 200 came at
      // the fsync), and fewer, larger inserts cost chDB less per row (bench/README). Without
      // it, requests wait for the insert, so it stays short.
      flushMs: e.INGEST_FLUSH_MS ?? (wal ? 1000 : 250),
      bufferRows: e.INGEST_BUFFER_ROWS ?? 200_000,
      idempotencyTtlMs: e.IDEMPOTENCY_TTL_MS ?? 24 * 60 * 60 * 1000,
    },
    // Sessions trail their events by this plus the builder's settle lag (src/sessions).
    sessions: { buildIntervalMs: e.SESSION_BUILD_INTERVAL_MS ?? 5000 },
    // The most an event outlives its project's retentionDays (src/manage/projects/project-retention.service.ts).
    retentionIntervalMs: e.RETENTION_INTERVAL_MS ?? 3_600_000,
    erasure: {
      intervalMs: e.ERASURE_INTERVAL_MS ?? 10_000,
      secondPassMs: e.ERASURE_SECOND_PASS_MS ?? 60_000 + 2 * (e.INGEST_FLUSH_MS ?? (wal ? 1000 : 250)),
    },
    metricsToken: e.METRICS_TOKEN,
  };
}

/** A path setting must name a file this process can read, checked before anything starts. */
function assertReadableFile(name: string, path: string): void {
  let problem: string | undefined;
  try {
    if (!statSync(path).isFile()) problem = 'is not a file';
    else accessSync(path, constants.R_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problem =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'is not readable by this process'
          : `cannot be read (${code ?? (e as Error).message})`;
  }
  if (problem) throw new ConfigError(`Invalid configuration: ${name}=${JSON.stringify(path)} ${problem}`);
}

const BOUNDS = new Set(['min', 'max', 'minLength', 'maxLength']);

/**
 * The rules a value broke, as one phrase: a value of the wrong kind ("abc" for a port) is
 * told only that, not also every bound it cannot be compared with; the variable's name is
 * said once, before the value.
 */
function reasons(property: string, constraints: Record<string, string>): string {
  const broken = Object.entries(constraints);
  const ofKind = broken.filter(([rule]) => !BOUNDS.has(rule));
  return (ofKind.length > 0 ? ofKind : broken).map(([, message]) => message.replace(new RegExp(`^${property} `), '')).join(', ');
}
