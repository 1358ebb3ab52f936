import { type ClientRequest, type IncomingMessage, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClickhouseService } from '@app/clickhouse';
import { ExportSlotsService } from '../src/export/export-slots.service';
import { createClient, createProject } from './setup/fixtures';
import { authHeaders, type Credentials, createTestApp, disposeEnv, type TestApp } from './setup/test-app';

/**
 * Bulk exports run a bounded number at a time (D8): per client and per node, beyond which the
 * answer is a 429 with Retry-After in the API's error shape, and a slot comes back when its
 * stream ends, fails or its client disconnects.
 */
describe('Export: concurrent bulk exports are bounded', () => {
  let t: TestApp;
  let base: string;
  let project: string;
  let alice: Credentials;
  let bob: Credentials;
  const open: ClientRequest[] = [];

  beforeAll(async () => {
    t = await createTestApp({ EXPORT_RATE_LIMIT: '100000', EXPORT_STREAMS: '3', EXPORT_STREAMS_PER_CLIENT: '2' });
    project = (await createProject(t, { name: 'Streams' })).id;
    alice = await createClient(t, { name: 'alice', mode: 'read', projectId: project });
    bob = await createClient(t, { name: 'bob', mode: 'read', projectId: project });
    // Enough rows (about 40 MB of NDJSON) that an export a client does not read stays open.
    const ch = t.app.get(ClickhouseService);
    await ch.client.command({
      query:
        `INSERT INTO ${ch.table('events')} (id, name, device_id, project_id, path, properties, created_at) ` +
        `SELECT generateUUIDv4(), 'view', concat('dev', toString(number % 97)), {project:String}, concat('/page/', toString(number % 300)), ` +
        `map('n', toString(number), 'pad', repeat('x', 100)), toDateTime64('2024-06-01 00:00:00', 3, 'UTC') - toIntervalSecond(number) FROM numbers(100000)`,
      query_params: { project },
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    for (const r of open) r.destroy();
    await t?.close();
    if (t) await disposeEnv(t.env);
  });

  /** Starts an export over a real socket and resolves with its response, left unread (paused). */
  function start(as: Credentials, query = 'format=ndjson'): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${base}/export/events?${query}`, { headers: authHeaders(as) }, (res) => {
        res.pause();
        resolve(res);
      });
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
      open.push(req);
      req.end();
    });
  }

  const inject = (as: Credentials, query = 'format=ndjson') =>
    t.app.inject({ method: 'GET', url: `/export/events?${query}`, headers: authHeaders(as) });
  const slots = () => t.app.get(ExportSlotsService);

  async function until(what: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!what()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('answers 429 past 2 exports of a client and 3 of the node; a disconnect, an end and a failure give the slot back', async () => {
    const a1 = await start(alice);
    const a2 = await start(alice);
    expect([a1.statusCode, a2.statusCode]).toEqual([200, 200]);
    expect(slots().inUse(alice.id)).toBe(2);

    const a3 = await inject(alice, 'format=csv');
    expect(a3.statusCode).toBe(429);
    expect(a3.headers['retry-after']).toBe('5');
    expect(a3.json()).toEqual({
      status: 429,
      error: 'Too Many Requests',
      message: 'This client already runs 2 bulk exports (format=ndjson or csv), the most it may at once; retry when one has ended',
    });
    // A page is not a bulk export: it is never refused for them.
    expect((await inject(alice, 'limit=1')).statusCode).toBe(200);

    const b1 = await start(bob);
    expect(b1.statusCode).toBe(200);
    const b2 = await inject(bob);
    expect(b2.statusCode).toBe(429);
    expect(b2.json().message).toBe(
      'The server already runs 3 bulk exports (format=ndjson or csv), the most it runs at once; retry shortly',
    );

    // Alice's first client goes away mid-export: the slot is free again, for her or anyone.
    a1.destroy();
    await until(() => slots().inUse(alice.id) === 1);
    expect(slots().inUse()).toBe(2);

    // A stream the engine refuses before its first byte holds no slot.
    const bad = await inject(
      bob,
      `format=ndjson&filters=${encodeURIComponent(JSON.stringify([{ name: 'name', operator: 'regex', value: ['('] }]))}`,
    );
    expect(bad.statusCode).toBe(400);
    expect(slots().inUse()).toBe(2);

    // A stream read to its end gives its slot back too, and its rows are all there.
    const whole = await inject(bob, 'format=csv&event=none');
    expect(whole.statusCode).toBe(200);
    await until(() => slots().inUse() === 2);
    const lines = await new Promise<number>((resolve, reject) => {
      let n = 0;
      b1.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
      });
      b1.on('end', () => resolve(n));
      b1.on('error', reject);
      b1.resume();
    });
    expect(lines).toBe(100_000);
    await until(() => slots().inUse(bob.id) === 0);

    a2.destroy();
    await until(() => slots().inUse() === 0);
    const again = await start(alice);
    expect(again.statusCode).toBe(200);
    again.destroy();
    await until(() => slots().inUse() === 0);
  }, 120_000);
});
