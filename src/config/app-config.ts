import { resolve } from 'node:path';

export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** Named limits; a controller picks one with @RateLimit(name). */
export type RateLimitName = 'track' | 'export' | 'manage';

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
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  logJson: boolean;
  shutdownTimeoutMs: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export function dataPath(config: AppConfig, ...parts: string[]): string {
  return resolve(config.dataDir, ...parts);
}
