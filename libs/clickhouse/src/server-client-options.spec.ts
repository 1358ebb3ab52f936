import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { ClickhouseService } from './clickhouse.service';
import { serverClientOptions } from './server-client-options';

describe('serverClientOptions (the HTTP client of a ClickHouse server)', () => {
  it('sets each transport setting on purpose', () => {
    const o = serverClientOptions({ url: 'http://u:p@ch:8123' });
    expect(o.url).toBe('http://u:p@ch:8123');
    expect(o.request_timeout).toBe(60_000);
    expect(o.max_open_connections).toBe(20);
    expect(o.keep_alive).toEqual({ enabled: true, idle_socket_ttl: 2_500, eagerly_destroy_stale_sockets: true });
    expect(o.compression).toEqual({ response: true, request: false });
    expect(o.application).toBe('openpanel-compatible-api');
    expect(o.clickhouse_settings).toEqual({ insert_deduplicate: 1 });
    // Nothing else: a new option is a decision, and this test names it.
    expect(Object.keys(o).sort()).toEqual(
      ['application', 'clickhouse_settings', 'compression', 'keep_alive', 'max_open_connections', 'request_timeout', 'url'].sort(),
    );
  });

  it('on a cluster, an insert into a Distributed table waits for the shards', () => {
    expect(serverClientOptions({ url: 'http://ch:8123', cluster: 'analytics' }).clickhouse_settings).toEqual({
      insert_deduplicate: 1,
      distributed_foreground_insert: 1,
    });
  });
});

/**
 * The requests the server client really sends, to a stand-in HTTP server (no ClickHouse
 * server can run here): what reaches the wire is what the options say.
 */
describe('ClickhouseService on a server: the requests on the wire', () => {
  let server: Server;
  let url: string;
  const seen: { url: URL; headers: IncomingMessage['headers']; body: Buffer; socket: number }[] = [];
  let failNext = false;
  const sockets = new Map<unknown, number>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size);
        seen.push({
          url: new URL(req.url!, 'http://x'),
          headers: req.headers,
          body: Buffer.concat(chunks),
          socket: sockets.get(req.socket)!,
        });
        if (failNext) {
          failNext = false;
          res
            .writeHead(500, { 'x-clickhouse-exception-code': '209' })
            .end('Code: 209. DB::Exception: Timeout exceeded while writing to socket');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://user:pass@127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('an insert: the token and the settings in the query, the body as given (not compressed), one socket kept alive', async () => {
    const ch = new ClickhouseService({ url, path: '', database: 'db', cluster: 'analytics' });
    try {
      const body = Buffer.from('["a",1]\n["b",2]\n');
      await ch.insertCompactRows('db.events', ['name', 'n'], body, 'seg-1:0:2');
      await ch.insertCompactRows('db.events', ['name', 'n'], body, 'seg-1:2:4');
      expect(seen).toHaveLength(2);
      const [first, second] = seen;
      expect(first.url.searchParams.get('query')).toBe('INSERT INTO db.events (name, n) FORMAT JSONCompactEachRow');
      expect(first.url.searchParams.get('insert_deduplication_token')).toBe('seg-1:0:2');
      expect(second.url.searchParams.get('insert_deduplication_token')).toBe('seg-1:2:4');
      expect(first.url.searchParams.get('insert_deduplicate')).toBe('1');
      expect(first.url.searchParams.get('distributed_foreground_insert')).toBe('1');
      expect(first.headers['content-encoding']).toBeUndefined();
      expect(first.body.equals(body)).toBe(true);
      expect(first.headers['user-agent']).toMatch(/^openpanel-compatible-api /);
      expect(first.headers.authorization).toBe(`Basic ${Buffer.from('user:pass').toString('base64')}`);
      // Keep-alive: the second request came on the first one's socket.
      expect(second.socket).toBe(first.socket);
    } finally {
      await ch.close();
    }
  });

  it('a query asks for a compressed answer', async () => {
    const ch = new ClickhouseService({ url, path: '', database: 'db' });
    try {
      await ch.client.command({ query: 'SELECT 1' });
      expect(seen[0].headers['accept-encoding']).toMatch(/gzip/);
      expect(seen[0].url.searchParams.get('enable_http_compression')).toBe('1');
      // A single server: no Distributed table, no such setting.
      expect(seen[0].url.searchParams.get('distributed_foreground_insert')).toBeNull();
      expect(() => gunzipSync(seen[0].body)).toThrow(); // the request itself is not gzipped
    } finally {
      await ch.close();
    }
  });

  it('a failed insert is not retried by the client; the retry (the writer’s) carries the same token and bytes', async () => {
    const ch = new ClickhouseService({ url, path: '', database: 'db' });
    try {
      const body = Buffer.from('["a",1]\n');
      // The client logs the failed request itself; this test expects it.
      const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      failNext = true;
      await expect(ch.insertCompactRows('db.events', ['name', 'n'], body, 'seg-7:10:11')).rejects.toThrow(/Timeout exceeded/);
      expect(seen).toHaveLength(1);
      logged.mockRestore();
      await ch.insertCompactRows('db.events', ['name', 'n'], body, 'seg-7:10:11');
      expect(seen).toHaveLength(2);
      expect(seen.map((r) => r.url.searchParams.get('insert_deduplication_token'))).toEqual(['seg-7:10:11', 'seg-7:10:11']);
      expect(seen[1].body.equals(seen[0].body)).toBe(true);
    } finally {
      await ch.close();
    }
  });
});
