import { loadConfig } from './load-config';

describe('loadConfig', () => {
  it('defaults to the embedded stores on port 3333', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3333);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.clickhouseUrl).toBeUndefined();
    expect(c.rateLimits).toEqual({
      export: { limit: 100, windowMs: 10000 },
      insights: { limit: 100, windowMs: 10000 },
      manage: { limit: 20, windowMs: 10000 },
      import: { limit: 20, windowMs: 10000 },
    });
    expect(c.ingestRateLimit).toBeUndefined();
    expect(c.authFailures).toEqual({ limit: 10, windowMs: 60000 });
  });
  it('takes an opt-in ingestion budget, per sender IP unless told otherwise', () => {
    expect(loadConfig({ TRACK_RATE_LIMIT: '50' }).ingestRateLimit).toEqual({ limit: 50, windowMs: 10000, by: 'ip' });
    expect(loadConfig({ TRACK_RATE_LIMIT: '50', TRACK_RATE_LIMIT_BY: 'both' }).ingestRateLimit?.by).toBe('both');
    expect(() => loadConfig({ TRACK_RATE_LIMIT_BY: 'visitor' })).toThrow(/TRACK_RATE_LIMIT_BY="visitor" must be ip, client or both/);
  });
  it('flushes each second with the write-ahead log, every 250 ms without it (requests wait then)', () => {
    expect(loadConfig({}).ingest).toMatchObject({ wal: true, flushMs: 1000, flushRows: 50000 });
    expect(loadConfig({ INGEST_WAL: 'false' }).ingest).toMatchObject({ wal: false, flushMs: 250 });
    expect(loadConfig({ INGEST_FLUSH_MS: '40' }).ingest.flushMs).toBe(40);
  });
  it('bounds how long a request may take to arrive (30 s, headers 10 s) and keeps idle connections 72 s', () => {
    expect(loadConfig({}).http).toEqual({ requestTimeoutMs: 30000, headersTimeoutMs: 10000, keepAliveTimeoutMs: 72000 });
    expect(loadConfig({ REQUEST_TIMEOUT_MS: '2000' }).http).toMatchObject({ requestTimeoutMs: 2000, headersTimeoutMs: 2000 });
    expect(loadConfig({ HEADERS_TIMEOUT_MS: '5000', KEEP_ALIVE_TIMEOUT_MS: '5000' }).http).toEqual({
      requestTimeoutMs: 30000,
      headersTimeoutMs: 5000,
      keepAliveTimeoutMs: 5000,
    });
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '0' })).toThrow(/REQUEST_TIMEOUT_MS="0"/);
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '2000', HEADERS_TIMEOUT_MS: '5000' })).toThrow(
      /HEADERS_TIMEOUT_MS=5000 must not exceed REQUEST_TIMEOUT_MS=2000/,
    );
  });
  it('runs 4 bulk exports per node and 2 per client unless told otherwise', () => {
    expect(loadConfig({}).exportStreams).toEqual({ perNode: 4, perClient: 2 });
    expect(loadConfig({ EXPORT_STREAMS: '8', EXPORT_STREAMS_PER_CLIENT: '1' }).exportStreams).toEqual({ perNode: 8, perClient: 1 });
    expect(() => loadConfig({ EXPORT_STREAMS: '0' })).toThrow(/EXPORT_STREAMS="0"/);
  });
  it('builds sessions every 5 s unless told otherwise; 0 turns the timer off', () => {
    expect(loadConfig({}).sessions).toEqual({ buildIntervalMs: 5000 });
    expect(loadConfig({ SESSION_BUILD_INTERVAL_MS: '0' }).sessions.buildIntervalMs).toBe(0);
    expect(() => loadConfig({ SESSION_BUILD_INTERVAL_MS: '-1' })).toThrow(/SESSION_BUILD_INTERVAL_MS="-1"/);
  });
  it('applies retention hourly unless told otherwise; 0 turns the timer off', () => {
    expect(loadConfig({}).retentionIntervalMs).toBe(3_600_000);
    expect(loadConfig({ RETENTION_INTERVAL_MS: '0' }).retentionIntervalMs).toBe(0);
    expect(() => loadConfig({ RETENTION_INTERVAL_MS: '86400001' })).toThrow(/RETENTION_INTERVAL_MS="86400001"/);
  });
  it('takes an optional metrics token of 16 characters or more, never echoing a bad one', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: '0123456789abcdef' }).metricsToken).toBe('0123456789abcdef');
    expect(() => loadConfig({ METRICS_TOKEN: 'short-token' })).toThrow(/METRICS_TOKEN=\(hidden\) must be at least 16 characters/);
  });
  it('stops with a sentence naming the variable', () => {
    // One reason per variable: the first rule it breaks.
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/^Invalid configuration: PORT="abc" must be an integer number$/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL=.*postgres/);
    expect(() => loadConfig({ ROOT_CLIENT_ID: 'x', ROOT_CLIENT_SECRET: 'longenough' })).toThrow(/ROOT_CLIENT_ID.*UUID/);
    expect(() => loadConfig({ ROOT_CLIENT_ID: '11111111-2222-4333-8444-555555555555' })).toThrow(/set together/);
    expect(() => loadConfig({ ROOT_CLIENT_SECRET: 'short', ROOT_CLIENT_ID: '11111111-2222-4333-8444-555555555555' })).toThrow(
      /ROOT_CLIENT_SECRET=\(hidden\)/,
    );
  });

  it('checks GEO_DB_PATH names a readable file before anything starts', () => {
    expect(() => loadConfig({ GEO_DB_PATH: '/nonexistent.mmdb' })).toThrow(
      /^Invalid configuration: GEO_DB_PATH="\/nonexistent.mmdb" does not exist$/,
    );
    expect(() => loadConfig({ GEO_DB_PATH: __dirname })).toThrow(/GEO_DB_PATH=.* is not a file$/);
    expect(loadConfig({ GEO_DB_PATH: __filename }).geoDbPath).toBe(__filename);
  });
});
