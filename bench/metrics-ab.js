// A/B of POST /track with and without the metrics of issue 15: the code before them (A, a
// built checkout given as the first argument) against this checkout (B), alternating A B, B A,
// A B … so that the machine's drift falls on both sides alike.
// Run: npm run build && node bench/metrics-ab.js <baseline code dir> [rounds] [requests]
// One server of each code on the embedded default, both up for the whole bench, each warmed
// up; then each round sends a burst of `requests` single-event /track requests to each
// (autocannon, 50 connections) and reads its main thread's CPU time (/proc, as
// bench/cpu-per-request.js) and its request rate. B is scraped at the end, to check that
// /metrics counted every acknowledged event.
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const autocannon = require('autocannon');
const { startServer } = require('./server');

const BASELINE = process.argv[2] && resolve(process.argv[2]);
const ROUNDS = Number(process.argv[3] ?? 20);
const REQUESTS = Number(process.argv[4] ?? 5_000);
const WARMUP = 20_000;
const CODE = resolve(join(__dirname, '..'));
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const TICK_US = 1e6 / 100; // USER_HZ
const BODY = JSON.stringify({
  type: 'track',
  payload: {
    name: 'bench_event',
    properties: { __path: 'https://shop.example.com/cart?utm_source=bench', plan: 'pro', nested: { a: 1, b: 'x' } },
  },
});

function mainThreadUs(pid) {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

function run(opts) {
  return new Promise((ok, fail) => autocannon({ connections: 50, ...opts }, (err, r) => (err ? fail(err) : ok(r))));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A started server of `code` with a project, warmed up, ready for bursts of /track. */
async function prepare(code, side) {
  const server = await startServer({ code });
  const { base, root } = server;
  const project = (
    await (await fetch(`${base}/manage/projects`, { method: 'POST', headers: root, body: JSON.stringify({ name: 'AB' }) })).json()
  ).data;
  const headers = {
    'openpanel-client-id': project.client.id,
    'openpanel-client-secret': project.client.secret,
    'content-type': 'application/json',
    'user-agent': CHROME,
    'x-client-ip': '8.8.8.8',
  };
  const opts = { url: `${base}/track`, method: 'POST', headers, body: BODY };
  const warm = await run({ ...opts, amount: WARMUP });
  return { side, server, opts, acknowledged: warm['2xx'] };
}

async function burst(s) {
  const before = mainThreadUs(s.server.child.pid);
  const r = await run({ ...s.opts, amount: REQUESTS });
  const spent = mainThreadUs(s.server.child.pid) - before;
  s.acknowledged += r['2xx'];
  return {
    side: s.side,
    ok: r['2xx'],
    failed: r.non2xx + r.errors + r.timeouts,
    usPerRequest: spent / r['2xx'],
    reqPerSec: r.requests.average,
    p99: r.latency.p99,
  };
}

async function main() {
  if (!BASELINE) throw new Error('usage: node bench/metrics-ab.js <baseline code dir> [rounds] [requests]');
  // Both servers stay up for the whole bench (one idles while the other is measured), so that
  // bursts seconds apart compare the two codes under the same machine load.
  const a = await prepare(BASELINE, 'A');
  const b = await prepare(CODE, 'B');
  const results = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of round % 2 ? [b, a] : [a, b]) {
        const r = await burst(s);
        results.push(r);
        console.log(
          `${r.side} ${round + 1}: ${Math.round(r.usPerRequest)} µs/request, ${Math.round(r.reqPerSec)} req/s, p99 ${r.p99} ms, ${r.ok} ok, ${r.failed} failed`,
        );
      }
    }
    const text = await (await fetch(`${b.opts.url.replace('/track', '/metrics')}`)).text();
    const counted = Number(/^ingest_events_total\{source="openpanel",outcome="accepted"\} (\d+)$/m.exec(text)?.[1]);
    console.log(`B's /metrics: ${counted} accepted events counted, ${b.acknowledged} acknowledged`);
  } finally {
    await a.server.stop();
    await b.server.stop();
  }
  const of = (side, key) => results.filter((r) => r.side === side).map((r) => r[key]);
  const rows = ['usPerRequest', 'reqPerSec', 'p99'].map((key) => {
    const ma = median(of('A', key));
    const mb = median(of('B', key));
    return { figure: key, 'A median (before)': +ma.toFixed(1), 'B median (metrics)': +mb.toFixed(1), 'B / A': +(mb / ma).toFixed(3) };
  });
  // Each round's B over its A, as a second view that pairs bursts close in time.
  const pairs = [];
  for (let i = 0; i < results.length; i += 2) {
    const [x, y] = results[i].side === 'A' ? [results[i], results[i + 1]] : [results[i + 1], results[i]];
    pairs.push(y.usPerRequest / x.usPerRequest);
  }
  console.log(`A: ${BASELINE}\nB: ${CODE}\n${ROUNDS} rounds of ${REQUESTS} requests per side after ${WARMUP} warm-up, 50 connections`);
  console.table(rows);
  console.log(`median of the per-round ratios B / A of µs per request: ${median(pairs).toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
