import { loadConfig } from './load-config';

describe('loadConfig', () => {
  it('defaults to the embedded stores on port 3333', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3333);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.clickhouseUrl).toBeUndefined();
    expect(c.rateLimits).toEqual({ track: { limit: 1000, windowMs: 10000 }, export: { limit: 100, windowMs: 10000 }, manage: { limit: 20, windowMs: 10000 } });
  });
  it('flushes each second with the write-ahead log, every 250 ms without it (requests wait then)', () => {
    expect(loadConfig({}).ingest).toMatchObject({ wal: true, flushMs: 1000, flushRows: 50000 });
    expect(loadConfig({ INGEST_WAL: 'false' }).ingest).toMatchObject({ wal: false, flushMs: 250 });
    expect(loadConfig({ INGEST_FLUSH_MS: '40' }).ingest.flushMs).toBe(40);
  });
  it('runs 4 bulk exports per node and 2 per client unless told otherwise', () => {
    expect(loadConfig({}).exportStreams).toEqual({ perNode: 4, perClient: 2 });
    expect(loadConfig({ EXPORT_STREAMS: '8', EXPORT_STREAMS_PER_CLIENT: '1' }).exportStreams).toEqual({ perNode: 8, perClient: 1 });
    expect(() => loadConfig({ EXPORT_STREAMS: '0' })).toThrow(/EXPORT_STREAMS="0"/);
  });
  it('stops with a sentence naming the variable', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT="abc"/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL=.*postgres/);
    expect(() => loadConfig({ ROOT_CLIENT_ID: 'x', ROOT_CLIENT_SECRET: 'longenough' })).toThrow(/ROOT_CLIENT_ID.*UUID/);
    expect(() => loadConfig({ ROOT_CLIENT_ID: '11111111-2222-4333-8444-555555555555' })).toThrow(/set together/);
    expect(() => loadConfig({ ROOT_CLIENT_SECRET: 'short', ROOT_CLIENT_ID: '11111111-2222-4333-8444-555555555555' })).toThrow(/ROOT_CLIENT_SECRET=\(hidden\)/);
  });
});
