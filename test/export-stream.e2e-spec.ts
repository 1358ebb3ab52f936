import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ClickhouseService } from '@app/clickhouse';
import { EngineQueryService } from '../src/export/engine-query.service';
import { createProject, type CreatedProject } from './setup/fixtures';
import { authHeaders, drainEvents, useTestApp } from './setup/test-app';
import { parseCsv } from './setup/csv';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * The bulk export: NDJSON and CSV carry exactly what the pages carry, and a large pull runs
 * in constant memory with backpressure. The large data sets are generated inside the engine
 * (INSERT ... SELECT from numbers()), as the benchmark does: these tests are about reading.
 */
describe('Export: streaming NDJSON and CSV', () => {
  const t = useTestApp({ EXPORT_RATE_LIMIT: '100000' });
  let small: CreatedProject;
  let base: string;

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { ...authHeaders(t.root), ...headers } });

  beforeAll(async () => {
    small = await createProject(t, { name: 'Small' });
    for (let i = 0; i < 23; i++) {
      const payload = {
        name: i % 3 ? 'click' : 'screen_view',
        properties: { n: i, note: i === 4 ? 'comma, "quote"\nnewline' : `row ${i}` },
      };
      const res = await t.app.inject({
        method: 'POST',
        url: '/track',
        headers: authHeaders(small.writeClient),
        payload: { type: 'track', payload },
      });
      expect(res.statusCode).toBe(200);
    }
    await drainEvents(t);
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });

  async function allPages(query: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/export/events?${query}&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      out.push(...res.json().data);
      cursor = res.json().meta.cursor;
    } while (cursor);
    return out;
  }

  it('NDJSON holds the events of the pages, in the same order and shape', async () => {
    const pages = await allPages(`projectId=${small.id}`);
    const res = await get(`/export/events?projectId=${small.id}&format=ndjson`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = res.body.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual(pages);
    expect(pages).toHaveLength(23);
  });

  it('CSV has a header and one row per event; Accept selects the format, format= wins', async () => {
    const pages = await allPages(`projectId=${small.id}&event=click`);
    const res = await get(`/export/events?projectId=${small.id}&event=click`, { accept: 'text/csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = parseCsv(res.body);
    const header = rows.shift()!;
    expect(header.slice(0, 8)).toEqual(['id', 'name', 'deviceId', 'profileId', 'projectId', 'sessionId', 'properties', 'createdAt']);
    expect(rows.map((r) => r[0])).toEqual(pages.map((p) => p.id));
    expect(rows.map((r) => JSON.parse(r[6]))).toEqual(pages.map((p) => p.properties));
    const viaAccept = await get(`/export/events?projectId=${small.id}`, {
      accept: 'text/html;q=0.9, application/x-ndjson;q=0.8, application/json;q=0.1',
    });
    expect(viaAccept.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const wins = await get(`/export/events?projectId=${small.id}&format=json`, { accept: 'text/csv' });
    expect(wins.json().meta.totalCount).toBe(23);
    const empty = await get(`/export/events?projectId=${small.id}&event=none&format=csv`);
    expect(parseCsv(empty.body)).toHaveLength(1);
  });

  it('refuses what a stream cannot carry, and engine errors before the first byte, as 400s', async () => {
    const withProfile = await get(`/export/events?projectId=${small.id}&format=ndjson&includes=profile`);
    expect(withProfile.statusCode).toBe(400);
    expect(withProfile.json().details).toEqual([{ path: ['includes', 0], message: 'Streams carry the event columns only' }]);
    const filters = encodeURIComponent(JSON.stringify([{ name: 'name', operator: 'regex', value: ['('] }]));
    const badRegex = await get(`/export/events?projectId=${small.id}&format=csv&filters=${filters}`);
    expect(badRegex.statusCode).toBe(400);
    expect(badRegex.json().details[0].path).toEqual(['filters', 0, 'value', 0]);
  });

  describe('large pulls', () => {
    const projects: Record<number, string> = {};

    beforeAll(async () => {
      const ch = t.app.get(ClickhouseService);
      for (const rows of [20_000, 200_000]) {
        const project = (await createProject(t, { name: `Bulk ${rows}` })).id;
        projects[rows] = project;
        // Rows of about 400 bytes of JSON, a second apart, a few properties each.
        await ch.client.command({
          query:
            `INSERT INTO ${ch.table('events')} (id, name, device_id, profile_id, project_id, session_id, path, origin, properties, created_at, country, city, browser, os, device) ` +
            `SELECT generateUUIDv4(), concat('event_', toString(number % 50)), concat('dev', toString(number % 997)), concat('user', toString(number % 5000)), ` +
            `{project:String}, '', concat('/page/', toString(number % 300)), 'https://example.com', ` +
            `map('plan', if(number % 3 = 0, 'pro', 'free'), 'total', toString(number % 1000), 'ref', concat('campaign-', toString(number % 17))), ` +
            `toDateTime64('2024-06-01 00:00:00', 3, 'UTC') - toIntervalSecond(number), 'Germany', 'Berlin', 'Chrome', 'Windows', 'desktop' FROM numbers({rows:UInt64})`,
          query_params: { project, rows },
        });
      }
    }, 600_000);

    /** Streams a project's export over a real socket, discarding the bytes; samples the heap meanwhile. */
    async function pull(project: string): Promise<{ lines: number; bytes: number; baseHeap: number; peakHeap: number; ms: number }> {
      gc();
      const baseHeap = process.memoryUsage().heapUsed;
      let peakHeap = baseHeap;
      const timer = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 5);
      const started = Date.now();
      const { lines, bytes } = await new Promise<{ lines: number; bytes: number }>((resolve, reject) => {
        const req = httpRequest(`${base}/export/events?projectId=${project}&format=ndjson`, { headers: authHeaders(t.root) }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
          let n = 0;
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
          });
          res.on('end', () => resolve({ lines: n, bytes: size }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
      clearInterval(timer);
      return { lines, bytes, baseHeap, peakHeap, ms: Date.now() - started };
    }

    it('streams 200k rows completely, with a heap peak no higher than for 20k rows', async () => {
      const smallPull = await pull(projects[20_000]);
      const largePull = await pull(projects[200_000]);
      expect(smallPull.lines).toBe(20_000);
      expect(largePull.lines).toBe(200_000);
      const grow = (p: typeof smallPull) => (p.peakHeap - p.baseHeap) / 2 ** 20;
      // Reported so the figures can be read in the log, not only asserted.
      console.log(
        `stream heap: 20k rows (${(smallPull.bytes / 2 ** 20).toFixed(0)} MiB sent) peak +${grow(smallPull).toFixed(1)} MiB in ${smallPull.ms} ms; ` +
          `200k rows (${(largePull.bytes / 2 ** 20).toFixed(0)} MiB sent) peak +${grow(largePull).toFixed(1)} MiB in ${largePull.ms} ms`,
      );
      // 200k rows are ~10x the bytes; a buffered export would grow by that. A stream stays within
      // one step (5000 rows) plus the collector's slack.
      expect(largePull.bytes).toBeGreaterThan(smallPull.bytes * 9);
      expect(grow(largePull)).toBeLessThan(Math.max(2 * grow(smallPull), grow(smallPull) + 48));
      expect(grow(largePull)).toBeLessThan(largePull.bytes / 2 ** 20 / 2);
    }, 600_000);

    it('reads no further than the client consumes (backpressure)', async () => {
      const engine = t.app.get(EngineQueryService);
      const text = jest.spyOn(engine, 'text');
      try {
        const paused = await new Promise<{ whilePaused: number[]; resumed: number }>((resolve, reject) => {
          const req = httpRequest(
            `${base}/export/events?projectId=${projects[200_000]}&format=ndjson`,
            { headers: authHeaders(t.root) },
            (res) => {
              res.pause();
              const whilePaused: number[] = [];
              for (let ms = 1000; ms < 10_000; ms += 1000) setTimeout(() => whilePaused.push(text.mock.calls.length), ms);
              setTimeout(() => {
                whilePaused.push(text.mock.calls.length);
                res.on('data', () => undefined);
                res.on('end', () => resolve({ whilePaused, resumed: text.mock.calls.length }));
                res.resume();
              }, 10_000);
            },
          );
          req.on('error', reject);
          req.end();
        });
        // While the client reads nothing, the export stops once the socket buffers are full
        // (on loopback the kernel lets them grow to tens of MB: here tcp_rmem allows 32 MB, about
        // ten steps of 3 MB), and goes on to the end once it reads again: 40 full steps of 5000
        // rows, and an empty one that tells the export it is done.
        console.log(`steps read while the client was paused, at 1..10 s: ${paused.whilePaused.join(', ')}`);
        const last = paused.whilePaused.slice(-3);
        expect(new Set(last).size).toBe(1);
        expect(last[0]).toBeLessThan(20);
        expect(paused.resumed).toBe(41);
      } finally {
        text.mockRestore();
      }
    }, 300_000);
  });
});
