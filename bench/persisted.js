// What the ingestion benches share: a 200 is acknowledged before it is inserted (the
// write-ahead log answers first, inserts follow), so each run also reports what ClickHouse
// counted, during the run and until every event it acknowledged was in. A buffer that only
// fills would show here.

/** Waits (up to two minutes) until `count()` reaches `target`; returns the last count. */
async function drained(count, target) {
  let now = await count();
  for (const until = Date.now() + 120_000; now < target && Date.now() < until; now = await count())
    await new Promise((r) => setTimeout(r, 200));
  return now;
}

/**
 * A runner of measured runs. `count()` is the number of events ClickHouse holds,
 * `acknowledged` what was acknowledged before (warm-up). Each run starts on a drained buffer;
 * `summarise(result)` gives the row the run's stored/s columns are added to.
 */
function persistedRuns(count, seconds, acknowledged) {
  return async (run, perRequest, summarise) => {
    const before = await drained(count, acknowledged);
    const started = Date.now();
    const r = await run();
    const atEnd = await count();
    acknowledged = before + r['2xx'] * perRequest;
    const now = await drained(count, acknowledged);
    const row = summarise(r);
    row['stored/s in run'] = Math.round((atEnd - before) / seconds);
    row['stored/s to drained'] = Math.round((now - before) / ((Date.now() - started) / 1000));
    row['all stored'] = now >= acknowledged;
    return { r, row, acknowledged };
  };
}

module.exports = { persistedRuns };
