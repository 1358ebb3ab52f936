/**
 * Import benchmark (issue 19). Run:
 *   npm run bench:import -- [rows]        (default 1,000,000; BENCH_RUNS pairs, default 3)
 *
 * Writes an NDJSON file of `rows` events in the shape /export/events gives them (20 event
 * names, 20,000 devices, 5,000 profiles named by a third of the rows, pages, referrers, geo,
 * device, two properties, 90 days), then times, alternately run by run on the embedded default
 * (PGlite + chDB) with default settings:
 *   A. the user's path: `npm run cli -- import`'s code sending the file to the real app on a real
 *      port (POST /import/events in parts of 100,000 rows: auth, rate limit, streaming parse,
 *      row checks, alias resolution, profile creation, the stored-id lookup, the insert);
 *   B. the same rows read, checked and inserted straight into the engine's client, 50,000 a
 *      statement (decodeImportRow + serialiseRows + the insert): no HTTP, no id lookup, no
 *      profiles, the floor of what storing these rows costs here.
 * Each run imports into a project of its own. Prints rows/s persisted (the answer of the last
 * part means every row is in ClickHouse), the medians, the ratio, and the process's peak RSS.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { ClickhouseService, serialiseRows } from '@app/clickhouse';
import { decodeImportRow, EVENT_ROW_COLUMNS, type EventRow, importRowContext, NO_GEO } from '@app/ingest';
import { runImport } from '../src/cli/import-command';
import { IMPORT_CHUNK_ROWS } from '../src/pipeline/event-importer.service';
import { ndjsonLines } from '../src/import/ndjson-lines';
import { createBenchProject, startBenchApp } from './app';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const NAMES = ['screen_view', 'click', 'sign_up', 'purchase', 'add_to_cart', 'search', 'scroll', 'video_play', 'share', 'login'];
const PATHS = ['/', '/pricing', '/docs', '/blog/launch', '/checkout', '/signup', '/features', '/about'];
const REFERRERS = ['', '', 'https://www.google.com/', 'https://news.ycombinator.com/', 'https://twitter.com/'];
const GEO = [
  ['United States', 'US', 'New York'],
  ['Germany', 'DE', 'Berlin'],
  ['Sweden', 'SE', 'Stockholm'],
  ['France', 'FR', 'Paris'],
];
const DEVICES = [
  ['Mac OS', '14.1', 'Chrome', '124.0', 'desktop'],
  ['iOS', '17.2', 'Mobile Safari', '17.2', 'mobile'],
  ['Windows', '10', 'Edge', '123.0', 'desktop'],
  ['Android', '14', 'Chrome', '124.0', 'mobile'],
];

async function writeFile(path: string): Promise<void> {
  const out = createWriteStream(path);
  const start = Date.now() - 90 * 24 * 3600_000;
  const step = (90 * 24 * 3600_000) / ROWS;
  let buffer = '';
  for (let i = 0; i < ROWS; i++) {
    const device = i % 20_000;
    const [country, countryCode, city] = GEO[device % GEO.length];
    const [os, osVersion, browser, browserVersion, kind] = DEVICES[device % DEVICES.length];
    buffer += `${JSON.stringify({
      id: randomUUID(),
      name: NAMES[i % NAMES.length] + (i % 7 === 0 ? `_${i % 10}` : ''),
      deviceId: `device-${device}`,
      profileId: i % 3 === 0 ? `user-${device % 5_000}` : '',
      sessionId: '',
      properties: { plan: i % 5 === 0 ? 'pro' : 'free', position: String(i % 100) },
      createdAt: new Date(start + i * step).toISOString(),
      country,
      countryCode,
      city,
      region: '',
      longitude: null,
      latitude: null,
      os,
      osVersion,
      browser,
      browserVersion,
      device: kind,
      brand: '',
      model: '',
      duration: 0,
      revenue: 0,
      path: PATHS[i % PATHS.length],
      origin: 'https://shop.example.com',
      referrer: REFERRERS[i % REFERRERS.length],
      referrerName: '',
      referrerType: '',
      sdkName: 'web',
      sdkVersion: '1.0.0',
      groups: [],
    })}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

/** B: the file read, each row checked and inserted directly, as many rows a statement as the importer. */
async function insertDirectly(ch: ClickhouseService, file: string, projectId: string): Promise<void> {
  const ctx = importRowContext(projectId, new Date(), () => NO_GEO);
  let rows: EventRow[] = [];
  const flush = async () => {
    const text = serialiseRows(rows, EVENT_ROW_COLUMNS);
    rows = [];
    await ch.insertCompactRows(ch.eventsInsertTable, EVENT_ROW_COLUMNS, Buffer.from(text.text), `bench:${randomUUID()}`);
  };
  for await (const line of ndjsonLines(createReadStream(file), 1 << 20)) {
    if (line.tooLong) continue;
    const decoded = decodeImportRow(JSON.parse(line.text), ctx);
    if (decoded.kind === 'event') rows.push(decoded.row);
    if (rows.length >= IMPORT_CHUNK_ROWS) await flush();
  }
  if (rows.length > 0) await flush();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'op-bench-import-'));
  const file = join(dataDir, 'events.ndjson');
  const root = { id: randomUUID(), secret: `sec_${randomBytes(12).toString('hex')}` };
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  const { app, base, headers } = await startBenchApp({ DATA_DIR: join(dataDir, 'data') }, root);
  try {
    const t0 = performance.now();
    await writeFile(file);
    console.log(`wrote ${ROWS.toLocaleString('en')} rows of NDJSON in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const ch = app.get(ClickhouseService);
    const rates: [number[], number[]] = [[], []];
    const rssAfterApi: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const order: (0 | 1)[] = run % 2 === 0 ? [0, 1] : [1, 0];
      for (const side of order) {
        const projectId = await createBenchProject(base, headers);
        const started = performance.now();
        if (side === 0) {
          const totals = await runImport({
            file,
            project: projectId,
            url: base,
            clientId: root.id,
            clientSecret: root.secret,
            rowsPerRequest: 100_000,
          });
          if (totals.accepted !== ROWS)
            throw new Error(`accepted ${totals.accepted} of ${ROWS}: ${JSON.stringify(totals.rejected.slice(0, 3))}`);
          rssAfterApi.push(process.memoryUsage().rss);
        } else {
          await insertDirectly(ch, file, projectId);
        }
        const seconds = (performance.now() - started) / 1000;
        rates[side].push(ROWS / seconds);
        console.log(
          `run ${run + 1} ${side === 0 ? 'API (cli import)' : 'direct insert  '}: ${(ROWS / seconds).toFixed(0)} rows/s (${seconds.toFixed(1)} s)`,
        );
      }
    }
    const [api, direct] = rates.map(median);
    console.log(
      `\nmedian over ${RUNS} runs: API ${api.toFixed(0)} rows/s, direct ${direct.toFixed(0)} rows/s, direct/API ${(direct / api).toFixed(2)}; ` +
        `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (server and client in one process)`,
    );
  } finally {
    clearInterval(sampler);
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
