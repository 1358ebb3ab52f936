// Main-thread CPU per request of POST /track and POST /track/batch, the steadier figure on a
// shared VM (throughput moves with the machine's hour, CPU per request much less).
// Run: npm run build && node bench/cpu-per-request.js [requests] [code dir]
// Starts the server of `code dir` (default: this checkout, built) on the embedded default,
// sends a fixed number of requests with autocannon (50 connections) and reads the server's
// main thread CPU time (/proc/<pid>/task/<pid>/stat, utime + stime) before and after.
// Alternate two code dirs run by run to compare them (bench/README.md).
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const autocannon = require('autocannon');
const { startServer } = require('./server');

const REQUESTS = Number(process.argv[2] ?? 100_000);
const CODE = resolve(process.argv[3] ?? join(__dirname, '..'));
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const TICK_US = 1e6 / 100; // USER_HZ

const event = (i) => ({
  type: 'track',
  payload: {
    name: 'bench_event',
    properties: { __path: 'https://shop.example.com/cart?utm_source=bench', plan: 'pro', i, nested: { a: 1, b: 'x' } },
  },
});

/** CPU time of the process's main thread, µs. */
function mainThreadUs(pid) {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

function run(opts) {
  return new Promise((ok, fail) => autocannon({ connections: 50, ...opts }, (err, r) => (err ? fail(err) : ok(r))));
}

async function main() {
  // The code before issue 14 counted ingestion requests per client.
  const server = await startServer({ code: CODE, env: process.env.BENCH_OLD_LIMITS ? { TRACK_RATE_LIMIT: '100000000' } : {} });
  const { base, root } = server;
  try {
    const project = (
      await (await fetch(`${base}/manage/projects`, { method: 'POST', headers: root, body: JSON.stringify({ name: 'CPU' }) })).json()
    ).data;
    const headers = {
      'openpanel-client-id': project.client.id,
      'openpanel-client-secret': project.client.secret,
      'content-type': 'application/json',
      'user-agent': CHROME,
      'x-client-ip': '8.8.8.8',
    };
    const single = JSON.stringify(event(1));
    const batch = JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => event(i)) });
    await run({ url: `${base}/track`, method: 'POST', headers, body: single, amount: 20_000 });
    await run({ url: `${base}/track/batch`, method: 'POST', headers, body: batch, amount: 500 });
    const rows = [];
    for (const [label, body, amount, perRequest] of [
      ['POST /track', single, REQUESTS, 1],
      ['POST /track/batch (100 events)', batch, Math.round(REQUESTS / 50), 100],
    ]) {
      const before = mainThreadUs(server.child.pid);
      const r = await run({ url: `${base}/track${perRequest > 1 ? '/batch' : ''}`, method: 'POST', headers, body, amount });
      const spent = mainThreadUs(server.child.pid) - before;
      rows.push({
        route: label,
        requests: r['2xx'],
        'non-2xx': r.non2xx + r.errors,
        'main-thread µs / request': Math.round(spent / r['2xx']),
        'µs / event': +(spent / (r['2xx'] * perRequest)).toFixed(1),
        'req/s': Math.round(r.requests.average),
      });
    }
    console.log(`code: ${CODE}`);
    console.table(rows);
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
