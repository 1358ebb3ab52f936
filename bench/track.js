// Ingestion benchmark (issue 7). Run: npm run build && node bench/track.js [seconds]
// Drives, with autocannon and 200 connections each:
//   1. a bare Fastify route that parses the same JSON body (the baseline),
//   2. POST /track (single events) on the real server, embedded default (PGlite + chDB),
//   3. POST /track/batch with 100-event batches.
// Prints requests/s, events/s, latency percentiles and the ratio to the baseline, then
// counts the rows that reached ClickHouse to check "acknowledged = stored".
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const autocannon = require('autocannon');
const { persistedRuns } = require('./persisted');

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = 200;
const ROOT = join(__dirname, '..');
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

const event = (i) => ({
  type: 'track',
  payload: {
    name: 'bench_event',
    properties: { __path: 'https://shop.example.com/cart?utm_source=bench', plan: 'pro', i, nested: { a: 1, b: 'x' } },
  },
});

function startProcess(args, env) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return child;
}

async function waitReady(url) {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready: ${url}`);
}

function run(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function summary(label, r, eventsPerRequest) {
  const ok = r['2xx'];
  return {
    label,
    'req/s (mean)': Math.round(r.requests.average),
    'events/s': Math.round((ok * eventsPerRequest) / SECONDS),
    'p50 ms': r.latency.p50,
    'p99 ms': r.latency.p99,
    '2xx': ok,
    'non-2xx': r.non2xx,
    'socket errors': r.errors,
    timeouts: r.timeouts,
  };
}

async function main() {
  const bareEnv = { BENCH_PORT: '3401' };
  // Both processes run with the flag `npm start` uses (a larger young generation: ingestion
  // allocates many short-lived objects per request, and scavenges dominated the profile).
  const NODE_FLAGS = ['--max-semi-space-size=64'];
  const bare = startProcess(
    [
      ...NODE_FLAGS,
      '-e',
      `
    const app = require('fastify')({ bodyLimit: 10 * 1024 * 1024 });
    app.post('/track', async (req) => ({ deviceId: '', sessionId: '', n: req.body.type.length }));
    app.listen({ port: Number(process.env.BENCH_PORT), host: '127.0.0.1' });
  `,
    ],
    bareEnv,
  );

  const dataDir = mkdtempSync(join(tmpdir(), 'op-bench-'));
  const rootId = randomUUID();
  const rootSecret = `sec_${randomUUID()}`;
  const server = startProcess([...NODE_FLAGS, 'dist/src/main'], {
    PORT: '3402',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ROOT_CLIENT_ID: rootId,
    ROOT_CLIENT_SECRET: rootSecret,
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
    CLICKHOUSE_URL: '',
    REDIS_URL: '',
  });
  try {
    await waitReady('http://127.0.0.1:3401/nope').catch(() => undefined);
    await waitReady('http://127.0.0.1:3402/healthz/ready');
    const root = { 'openpanel-client-id': rootId, 'openpanel-client-secret': rootSecret, 'content-type': 'application/json' };
    const created = await (
      await fetch('http://127.0.0.1:3402/manage/projects', { method: 'POST', headers: root, body: JSON.stringify({ name: 'Bench' }) })
    ).json();
    const project = created.data;
    const headers = {
      'openpanel-client-id': project.client.id,
      'openpanel-client-secret': project.client.secret,
      'content-type': 'application/json',
      'user-agent': CHROME,
      'x-client-ip': '8.8.8.8',
    };
    const single = JSON.stringify(event(1));
    const batch = JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => event(i)) });

    // Warm-up (JIT, salts, geo pages, first inserts).
    const warm = [
      await run({ url: 'http://127.0.0.1:3402/track', method: 'POST', headers, body: single, duration: 2 }),
      await run({ url: 'http://127.0.0.1:3402/track/batch', method: 'POST', headers, body: batch, duration: 2 }),
    ];
    const acknowledged = warm[0]['2xx'] + warm[1]['2xx'] * 100;
    await run({ url: 'http://127.0.0.1:3401/track', method: 'POST', headers, body: single, duration: 2 });

    const stored = async () =>
      (await (await fetch(`http://127.0.0.1:3402/export/events?projectId=${project.id}&limit=1`, { headers: root })).json()).meta
        .totalCount;
    const persisted = persistedRuns(stored, SECONDS, acknowledged);

    const rows = [];
    const baseline = await run({ url: 'http://127.0.0.1:3401/track', method: 'POST', headers, body: single });
    rows.push(summary('bare Fastify, same body', baseline, 1));
    const track = await persisted(
      () => run({ url: 'http://127.0.0.1:3402/track', method: 'POST', headers, body: single }),
      1,
      (r) => summary('POST /track', r, 1),
    );
    rows.push(track.row);
    const batched = await persisted(
      () => run({ url: 'http://127.0.0.1:3402/track/batch', method: 'POST', headers, body: batch }),
      100,
      (r) => summary('POST /track/batch (100 events)', r, 100),
    );
    rows.push(batched.row);
    console.table(rows);
    console.log(`ratio /track : bare Fastify (req/s) = ${(track.r.requests.average / baseline.requests.average).toFixed(3)}`);
    const expected = track.r['2xx'] + batched.r['2xx'] * 100;
    console.log(`acknowledged in the measured runs: ${expected}; stored (incl. warm-up): ${await stored()}`);
  } finally {
    bare.kill('SIGKILL');
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
