// Hostile floods beside real traffic (issue 14). Run: npm run build && node bench/floods.js [seconds] [code dir]
// Starts the server of `code dir` (default: this checkout; its dist/ must be built) on the
// embedded default, seeds a project, then for each flood of ../shared/findings/hostile-input:
//   D1 50 concurrent wrong secrets for a known client id,
//   D2 unauthenticated PostHog gzip bombs (about 90 MB of events inflated), 2 at a time,
//   D6 huge chart definitions (20 series x previous x 3 breakdowns x 12 months hourly), 4 at a time,
//   D7 150,000 PostHog events in one gzip body with a public key, 2 at a time,
//   D8 8 concurrent NDJSON exports of every event,
// measures single POST /track from a legitimate server sender (10 connections) during the
// flood, against the same probe with no flood, and prints p50/p99 and the flood's answers.
// Run it on the code before and after a change to compare (bench/README.md). BENCH_FLOODS=D6,D8
// runs only those (and the probe alone).
const { join, resolve } = require('node:path');
const { randomUUID } = require('node:crypto');
const { gzipSync } = require('node:zlib');
const { isMainThread, Worker, workerData, parentPort } = require('node:worker_threads');
const autocannon = require('autocannon');
const { startServer } = require('./server');

const SECONDS = Number(process.argv[2] ?? 10);
const CODE = resolve(process.argv[3] ?? join(__dirname, '..'));
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const SEEDED = 200_000;
let BASE;

/** Runs `send` from `concurrency` loops until `until`; counts the answers by status. */
async function flood(concurrency, until, send) {
  const statuses = {};
  const loop = async () => {
    while (Date.now() < until) {
      let status;
      try {
        status = (await send()).status;
      } catch (e) {
        status = e.name === 'TimeoutError' ? 'timeout' : 'error';
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return statuses;
}

/** A fetch that reads the whole answer and gives up after 60 s. */
async function call(url, init = {}) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  await res.arrayBuffer();
  return res;
}

function probe(headers) {
  return new Promise((ok, fail) => {
    autocannon(
      {
        url: `${BASE}/track`,
        method: 'POST',
        headers,
        body: JSON.stringify({ type: 'track', payload: { name: 'probe' } }),
        connections: 10,
        duration: SECONDS,
      },
      (err, r) => (err ? fail(err) : ok(r)),
    );
  });
}

function runWorker(data) {
  return new Promise((ok, fail) => {
    const worker = new Worker(__filename, { workerData: data });
    worker.once('message', ok);
    worker.once('error', fail);
  });
}

/** The floods, by label; each sends its requests from `concurrency` loops. */
function floodOf({ base, project, writer, readHeaders, publicId, label }) {
  if (label === 'D1 wrong secrets') {
    return [
      50,
      () =>
        call(`${base}/track`, {
          method: 'POST',
          headers: { ...writer, 'openpanel-client-secret': `sec_${randomUUID()}` },
          body: '{"type":"track","payload":{"name":"x"}}',
        }),
    ];
  }
  if (label === 'D2 unauthenticated bombs') {
    const bomb = gzipSync(Buffer.from(`{"api_key":"nokey","batch":[${'{"event":"e","distinct_id":"u"},'.repeat(2_900_000)}{}]}`));
    return [2, () => call(`${base}/batch/`, { method: 'POST', headers: { 'content-encoding': 'gzip' }, body: bomb })];
  }
  if (label === 'D6 huge charts') {
    const chart = new URLSearchParams({
      projectId: project,
      interval: 'hour',
      range: '12m',
      previous: 'true',
      events: JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ name: '*', id: String(i) }))),
      breakdowns: JSON.stringify([{ name: 'properties.i' }, { name: 'profileId' }, { name: 'path' }]),
    });
    return [4, () => call(`${base}/export/charts?${chart}`, { headers: readHeaders })];
  }
  if (label === 'D7 150k-event bodies') {
    const big = gzipSync(
      Buffer.from(
        JSON.stringify({
          api_key: publicId,
          batch: Array.from({ length: 150_000 }, (_, i) => ({ event: 'e', distinct_id: `u${i % 500}` })),
        }),
      ),
    );
    return [
      2,
      () => call(`${base}/batch/`, { method: 'POST', headers: { 'content-encoding': 'gzip', origin: 'https://a.example.com' }, body: big }),
    ];
  }
  return [8, () => call(`${base}/export/events?projectId=${project}&format=ndjson`, { headers: readHeaders })];
}

async function main() {
  const server = await startServer({
    code: CODE,
    // The code before issue 14 counted every /track request against a per-client budget;
    // the probe must not run into it there.
    env: process.env.BENCH_OLD_LIMITS ? { TRACK_RATE_LIMIT: '100000000', EXPORT_RATE_LIMIT: '100000' } : {},
  });
  BASE = server.base;
  const { root } = server;
  try {
    const post = async (path, body) =>
      (await fetch(`${BASE}${path}`, { method: 'POST', headers: root, body: JSON.stringify(body) })).json();
    const project = (await post('/manage/projects', { name: 'Floods' })).data;
    const publicClient = (await post('/manage/clients', { name: 'public', mode: 'write', projectId: project.id, public: true })).data;
    const reader = (await post('/manage/clients', { name: 'reader', mode: 'read', projectId: project.id })).data;
    const writer = {
      'openpanel-client-id': project.client.id,
      'openpanel-client-secret': project.client.secret,
      'content-type': 'application/json',
      'user-agent': CHROME,
      'x-client-ip': '8.8.8.8',
    };
    const readHeaders = { 'openpanel-client-id': reader.id, 'openpanel-client-secret': reader.secret };

    // A year of events with high-cardinality properties, for the chart and export floods.
    const year = 365 * 24 * 3600 * 1000;
    const started = Date.now();
    for (let sent = 0; sent < SEEDED; sent += 1000) {
      const items = Array.from({ length: 1000 }, (_, k) => {
        const i = sent + k;
        return {
          type: 'track',
          payload: {
            name: `event_${i % 20}`,
            profileId: `user_${i % 5000}`,
            properties: {
              i,
              __timestamp: new Date(started - 3600_000 - ((i * 7919) % year)).toISOString(),
              __path: `https://shop.example.com/p/${i % 3000}`,
            },
          },
        };
      });
      // 1,000 items at a time in two batches (the batch cap is 2,000).
      const res = await fetch(`${BASE}/track/batch`, { method: 'POST', headers: writer, body: JSON.stringify({ items }) });
      if (res.status !== 200) throw new Error(`seeding: ${res.status} ${await res.text()}`);
    }
    for (;;) {
      const count = (await (await fetch(`${BASE}/export/events?projectId=${project.id}&limit=1`, { headers: readHeaders })).json()).meta
        .totalCount;
      if (count >= SEEDED) break;
      await new Promise((r) => setTimeout(r, 500));
    }

    const setup = { base: BASE, project: project.id, writer, readHeaders, publicId: publicClient.id };
    const rows = [];
    const only = process.env.BENCH_FLOODS?.split(',');
    const labels = ['none', 'D1 wrong secrets', 'D2 unauthenticated bombs', 'D6 huge charts', 'D7 150k-event bodies', 'D8 8 exports'];
    for (const label of labels.filter((l) => !only || l === 'none' || only.some((o) => l.startsWith(o)))) {
      // The flood runs in a thread of its own, so its client work does not delay the probe's.
      const answers = label === 'none' ? Promise.resolve({}) : runWorker({ ...setup, label, until: Date.now() + SECONDS * 1000 });
      const [flooded, r] = await Promise.all([answers, probe(writer)]);
      rows.push({
        flood: label,
        'probe req/s': Math.round(r.requests.average),
        'probe p50 ms': r.latency.p50,
        'probe p99 ms': r.latency.p99,
        'probe max ms': r.latency.max,
        'probe non-2xx': r.non2xx + r.errors,
        'flood answers': JSON.stringify(flooded),
      });
      // Let what a flood left behind (inserts, merges) settle before the next one.
      await new Promise((res) => setTimeout(res, 3000));
    }
    console.log(`code: ${CODE}`);
    console.table(rows);
  } finally {
    await server.stop();
  }
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  const [concurrency, send] = floodOf(workerData);
  flood(concurrency, workerData.until, send).then((answers) => parentPort.postMessage(answers));
}
