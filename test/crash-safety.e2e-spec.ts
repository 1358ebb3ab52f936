import { join } from 'node:path';
import { disposeEnv, freshEnv } from './setup/test-app';
import { freePort, spawnServer, type ServerProcess } from './setup/server-process';

jest.setTimeout(240_000);

/** The server as an operator runs it, in a child process that the test kills with SIGKILL. */
describe('Crash safety: a 200 means the event survives a SIGKILL', () => {
  let env: Record<string, string>;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    env = await freshEnv({ LOG_LEVEL: 'error', INGEST_FLUSH_MS: '2000' });
    // The child has its own embedded engine directory (chDB binds one per process).
    env.CHDB_PATH = join(env.DATA_DIR, 'clickhouse');
    env.PORT = String(await freePort());
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await disposeEnv(env);
  });

  const headers = (id: string, secret: string) => ({
    'openpanel-client-id': id,
    'openpanel-client-secret': secret,
    'content-type': 'application/json',
  });
  const root = () => headers(env.ROOT_CLIENT_ID, env.ROOT_CLIENT_SECRET);

  async function storedSeqs(url: string, projectId: string): Promise<number[]> {
    const seqs: number[] = [];
    for (let page = 1; ; page++) {
      const res = await fetch(`${url}/export/events?projectId=${projectId}&limit=1000&page=${page}`, { headers: root() });
      const body = (await res.json()) as { data: { properties: Record<string, string> }[] };
      for (const e of body.data) seqs.push(Number(e.properties.seq));
      if (body.data.length < 1000) return seqs;
    }
  }

  it('events acknowledged before the kill are all stored after the restart, each once', async () => {
    server = await spawnServer(env);
    // A clean start: no Fastify warning (a second error handler once drew one on every start).
    expect(server.stderr()).not.toContain('FSTWRN');
    const created = await fetch(`${server.url}/manage/projects`, {
      method: 'POST',
      headers: root(),
      body: JSON.stringify({ name: 'Crash' }),
    });
    const project = ((await created.json()) as { data: { id: string; client: { id: string; secret: string } } }).data;
    const write = headers(project.client.id, project.client.secret);

    // 20 senders stream events; inserts into ClickHouse happen every 2 s at most, so many
    // acknowledged events are only in the write-ahead log when the process dies.
    const acked: number[] = [];
    let next = 0;
    let stop = false;
    const sender = async () => {
      while (!stop) {
        const seq = next++;
        try {
          const res = await fetch(`${server!.url}/track`, {
            method: 'POST',
            headers: write,
            body: JSON.stringify({ type: 'track', payload: { name: 'crash_test', properties: { seq } } }),
          });
          if (res.status === 200) acked.push(seq);
        } catch {
          return; // the server died mid-request: never acknowledged
        }
      }
    };
    const senders = Array.from({ length: 20 }, sender);
    // Kill mid-stream, once a good number of events were acknowledged.
    const until = Date.now() + 20_000;
    while (acked.length < 300 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all(senders);
    await server.exited;
    expect(acked.length).toBeGreaterThanOrEqual(300);

    server = await spawnServer(env);
    // The log is replayed at start; inserts carry the rest within the flush interval.
    let seqs: number[] = [];
    const deadline = Date.now() + 30_000;
    do {
      seqs = await storedSeqs(server.url, project.id);
      if (acked.every((s) => seqs.includes(s))) break;
      await new Promise((r) => setTimeout(r, 500));
    } while (Date.now() < deadline);
    const missing = acked.filter((s) => !seqs.includes(s));
    expect(missing).toEqual([]);
    expect(seqs.length).toBe(new Set(seqs).size);

    // A graceful stop (SIGTERM) flushes and ends the process by that signal, not by the
    // shutdown watchdog (exit code 1).
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });
});
