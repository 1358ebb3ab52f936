// Capture benchmark (issue 5). Run: npm run build && node bench/capture.js [seconds]
// On the real server (embedded default: PGlite + chDB), with autocannon (BENCH_CONNECTIONS, 20):
//   1. POST /track/batch, 100 events per request (the reference),
//   2. POST /batch (PostHog), the same 100 events gzipped with Content-Encoding, no uuid:
//      the same work plus PostHog decoding, so the ratio to 1 shows what decoding costs,
//   3. POST /batch, gzipped, every event with its own uuid as posthog-node sends them
//      (retry dedupe on), from a pool of distinct bodies.
// Prints events/s per run and the ratio PostHog : /track/batch (target ≥ 0.8, and ≥ 50,000
// events/s), then counts the rows in ClickHouse to check that every acknowledged event is stored.
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const { gzipSync } = require('node:zlib');
const autocannon = require('autocannon');
const { persistedRuns } = require('./persisted');
const { startServer } = require('./server');

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const PER_BATCH = 100;
let BASE = '';
const ROOT = join(__dirname, '..');

function props(i) {
  return {
    $current_url: 'https://shop.example.com/cart?utm_source=bench',
    $lib: 'posthog-node',
    $lib_version: '5.70.0',
    plan: 'pro',
    i,
    nested: { a: 1, b: 'x' },
  };
}

const posthogEvent = (i, uuid) => ({
  event: 'bench_capture',
  distinct_id: `user-${i % 50}`,
  ...(uuid ? { uuid: randomUUID() } : {}),
  properties: props(i),
});
const trackItem = (i) => ({
  type: 'track',
  payload: { name: 'bench_track', profileId: `user-${i % 50}`, properties: { __path: props(i).$current_url, ...props(i) } },
});

function posthogBody(key, uuid) {
  const sentAt = new Date().toISOString();
  return gzipSync(
    JSON.stringify({ api_key: key, sent_at: sentAt, batch: Array.from({ length: PER_BATCH }, (_, i) => posthogEvent(i, uuid)) }),
  );
}

function run(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function summary(label, r) {
  return {
    label,
    'req/s': Math.round(r.requests.average),
    'events/s': Math.round((r['2xx'] * PER_BATCH) / SECONDS),
    'p50 ms': r.latency.p50,
    'p99 ms': r.latency.p99,
    '2xx': r['2xx'],
    'non-2xx': r.non2xx,
    'socket errors': r.errors,
  };
}

async function count(root, projectId) {
  const res = await (await fetch(`${BASE}/export/events?projectId=${projectId}&limit=1`, { headers: root })).json();
  return res.meta.totalCount;
}

async function main() {
  const server = await startServer({ code: ROOT, logLevel: 'warn' });
  BASE = server.base;
  const { root } = server;
  try {
    const createdProject = await (
      await fetch(`${BASE}/manage/projects`, { method: 'POST', headers: root, body: JSON.stringify({ name: 'Bench capture' }) })
    ).json();
    if (!createdProject.data) throw new Error(`creating the project: ${JSON.stringify(createdProject)}`);
    const project = createdProject.data;
    const client = (
      await (
        await fetch(`${BASE}/manage/clients`, {
          method: 'POST',
          headers: root,
          body: JSON.stringify({ name: 'posthog', mode: 'write', projectId: project.id, public: true }),
        })
      ).json()
    ).data;
    const trackHeaders = {
      'openpanel-client-id': project.client.id,
      'openpanel-client-secret': project.client.secret,
      'content-type': 'application/json',
      'x-client-ip': '8.8.8.8',
    };
    const posthogHeaders = {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'user-agent': 'posthog-node/5.70.0',
      'x-client-ip': '8.8.8.8',
    };
    const trackBatch = JSON.stringify({ items: Array.from({ length: PER_BATCH }, (_, i) => trackItem(i)) });
    const plain = posthogBody(client.id, false);
    // Distinct uuids in every request, as a real sender's: enough bodies for the whole run.
    const pool = Array.from({ length: SECONDS * 1500 }, () => posthogBody(client.id, true));
    let next = 0;

    // Warm-up (JIT, salts, geo pages, first inserts).
    const warm = [
      await run({ url: `${BASE}/track/batch`, method: 'POST', headers: trackHeaders, body: trackBatch, duration: 2 }),
      await run({ url: `${BASE}/batch/`, method: 'POST', headers: posthogHeaders, body: plain, duration: 2 }),
    ];

    const all = () => count(root, project.id);
    const measure = persistedRuns(
      all,
      SECONDS,
      warm.reduce((n, r) => n + r['2xx'] * PER_BATCH, 0),
    );
    const row = (label) => (r) => summary(label, r);

    const track = await measure(
      () => run({ url: `${BASE}/track/batch`, method: 'POST', headers: trackHeaders, body: trackBatch }),
      PER_BATCH,
      row('POST /track/batch (100 events)'),
    );
    const posthog = await measure(
      () => run({ url: `${BASE}/batch/`, method: 'POST', headers: posthogHeaders, body: plain }),
      PER_BATCH,
      row('POST /batch PostHog, gzip (100 events)'),
    );
    const withIds = await measure(
      () =>
        run({
          url: `${BASE}/batch/`,
          method: 'POST',
          headers: posthogHeaders,
          requests: [{ setupRequest: (req) => ({ ...req, body: pool[next++ % pool.length] }) }],
        }),
      PER_BATCH,
      row('POST /batch PostHog, gzip, uuids (100 events)'),
    );
    console.table([track.row, posthog.row, withIds.row]);
    const ratio = posthog.row['stored/s to drained'] / Math.max(1, track.row['stored/s to drained']);
    console.log(`ratio PostHog /batch : /track/batch (events/s stored) = ${ratio.toFixed(3)} (target ≥ 0.8)`);
    console.log(`acknowledged in all runs (incl. warm-up): ${withIds.acknowledged}; stored: ${await all()}`);
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
