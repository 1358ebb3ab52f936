import { join } from 'node:path';
import { disposeEnv, freshEnv } from './setup/test-app';
import { freePort, spawnServer, type ServerProcess } from './setup/server-process';

jest.setTimeout(240_000);

/**
 * The first start as an operator sees it, in a child process on an empty data directory and
 * no ROOT_CLIENT_* settings: the printed root client, `GET /`, and the lines a stop leaves.
 */
describe('First start: the printed root client, GET /, a stop that says what it did', () => {
  let env: Record<string, string>;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    env = await freshEnv({ LOG_LEVEL: 'log' });
    delete env.ROOT_CLIENT_ID;
    delete env.ROOT_CLIENT_SECRET;
    env.CHDB_PATH = join(env.DATA_DIR, 'clickhouse');
    env.PORT = String(await freePort());
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await disposeEnv(env);
  });

  it('prints the root client on lines of their own, and they work; GET / names the server and its links; SIGTERM logs the stop', async () => {
    server = await spawnServer(env);
    const out = server.stdout();
    const id = /^ {2}openpanel-client-id: {5}([0-9a-f-]{36})$/m.exec(out)?.[1];
    const secret = /^ {2}openpanel-client-secret: (sec_[0-9a-f]{40})$/m.exec(out)?.[1];
    expect(id).toBeDefined();
    expect(secret).toBeDefined();
    // The secret is printed once, on its line, and never inside a log record.
    expect(out.split(secret!).length - 1).toBe(1);
    const headers = { 'openpanel-client-id': id!, 'openpanel-client-secret': secret! };
    expect((await fetch(`${server.url}/manage/projects`, { headers })).status).toBe(200);

    const home = await fetch(`${server.url}/`);
    expect(home.status).toBe(200);
    expect(await home.json()).toEqual({
      name: 'openpanel-compatible-api',
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      docs: '/docs',
      openapi: '/docs-json',
      health: '/healthz/ready',
    });

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: null, signal: 'SIGTERM' });
    const log = server.stdout();
    expect(log).toMatch(/SIGTERM received: stopping/);
    expect(log).toMatch(/writers closed: \d+ waiting rows inserted into ClickHouse before stopping/);
  });
});
