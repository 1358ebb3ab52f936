/* eslint-disable no-console */
// A/B of POST /track with and without the metrics of issue 15: the code before them (A, a
// built checkout given as the first argument) against this checkout (B), alternating A B, B A,
// A B … so that the machine's drift, and whatever the previous run leaves behind (its server's
// teardown), falls on both sides alike.
// Run: npm run build && node bench/metrics-ab.js <baseline code dir> [rounds] [requests]
// Each run starts a fresh server on the embedded default, warms it up, then sends `requests`
// single-event /track requests with autocannon (50 connections) and reads the main thread's
// CPU time (/proc, as bench/cpu-per-request.js) and the request rate. B is scraped once at the
// end, to check that /metrics counted every request.
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const autocannon = require('autocannon');
const { startServer } = require('./server');

const BASELINE = process.argv[2] && resolve(process.argv[2]);
const ROUNDS = Number(process.argv[3] ?? 5);
const REQUESTS = Number(process.argv[4] ?? 30_000);
const WARMUP = 10_000;
const CODE = resolve(join(__dirname, '..'));
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const TICK_US = 1e6 / 100; // USER_HZ
const BODY = JSON.stringify({ type: 'track', payload: { name: 'bench_event', properties: { __path: 'https://shop.example.com/cart?utm_source=bench', plan: 'pro', nested: { a: 1, b: 'x' } } } });

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

async function once(code, side) {
  const server = await startServer({ code });
  try {
    const { base, root } = server;
    const project = (await (await fetch(`${base}/manage/projects`, { method: 'POST', headers: root, body: JSON.stringify({ name: 'AB' }) })).json()).data;
    const headers = { 'openpanel-client-id': project.client.id, 'openpanel-client-secret': project.client.secret, 'content-type': 'application/json', 'user-agent': CHROME, 'x-client-ip': '8.8.8.8' };
    const opts = { url: `${base}/track`, method: 'POST', headers, body: BODY };
    const warm = await run({ ...opts, amount: WARMUP });
    const before = mainThreadUs(server.child.pid);
    const r = await run({ ...opts, amount: REQUESTS });
    const spent = mainThreadUs(server.child.pid) - before;
    let counted = '';
    if (side === 'B') {
      const text = await (await fetch(`${base}/metrics`)).text();
      const accepted = Number(/^ingest_events_total\{source="openpanel",outcome="accepted"\} (\d+)$/m.exec(text)?.[1]);
      counted = `(${accepted} accepted counted of ${warm['2xx'] + r['2xx']} acknowledged)`;
    }
    return { side, ok: r['2xx'], failed: r.non2xx + r.errors + r.timeouts, usPerRequest: spent / r['2xx'], reqPerSec: r.requests.average, p99: r.latency.p99, counted };
  } finally {
    await server.stop();
  }
}

async function main() {
  if (!BASELINE) throw new Error('usage: node bench/metrics-ab.js <baseline code dir> [rounds] [requests]');
  const results = [];
  for (let round = 0; round < ROUNDS; round++) {
    const pair = [['A', BASELINE], ['B', CODE]];
    for (const [side, code] of round % 2 ? pair.reverse() : pair) {
      const r = await once(code, side);
      results.push(r);
      console.log(`${side} ${round + 1}: ${Math.round(r.usPerRequest)} µs/request, ${Math.round(r.reqPerSec)} req/s, p99 ${r.p99} ms, ${r.ok} ok, ${r.failed} failed ${r.counted}`);
    }
  }
  const of = (side, key) => results.filter((r) => r.side === side).map((r) => r[key]);
  const rows = ['usPerRequest', 'reqPerSec', 'p99'].map((key) => {
    const a = median(of('A', key));
    const b = median(of('B', key));
    return { figure: key, 'A median (before)': +a.toFixed(1), 'B median (metrics)': +b.toFixed(1), 'B / A': +(b / a).toFixed(3) };
  });
  console.log(`A: ${BASELINE}\nB: ${CODE}\n${ROUNDS} rounds of ${REQUESTS} requests after ${WARMUP} warm-up, 50 connections`);
  console.table(rows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
