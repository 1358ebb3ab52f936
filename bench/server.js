// What the benches share: the real server of a checkout, started as `npm start` starts it
// (its `--max-semi-space-size` flag, the embedded default), on a free port, with a root client.
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');

/** A port nobody listens on (other benchmarks may be running on this machine). */
function freePort() {
  return new Promise((ok, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
    probe.on('error', fail);
  });
}

async function waitReady(url) {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready: ${url}`);
}

/**
 * Starts `dist/src/main` of `code` with a fresh data directory and waits until it is ready.
 * `env` adds to (or overrides) the defaults. Returns its base URL, the root client's headers,
 * the child process and `stop()`, which ends it and removes its data.
 */
async function startServer({ code, env = {}, logLevel = 'error' }) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'op-bench-'));
  const rootId = randomUUID();
  const rootSecret = `sec_${randomUUID()}`;
  const child = spawn(process.execPath, ['--max-semi-space-size=64', 'dist/src/main'], {
    cwd: code,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ROOT_CLIENT_ID: rootId,
      ROOT_CLIENT_SECRET: rootSecret,
      LOG_LEVEL: logLevel,
      DATABASE_URL: '',
      CLICKHOUSE_URL: '',
      REDIS_URL: '',
      ...env,
    },
  });
  child.once('exit', (status) => {
    if (status !== 0 && status !== null) console.error(`the server exited with ${status}`);
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(`${base}/healthz/ready`);
  } catch (e) {
    await stop();
    throw e;
  }
  const root = { 'openpanel-client-id': rootId, 'openpanel-client-secret': rootSecret, 'content-type': 'application/json' };
  return { base, root, child, stop };
}

module.exports = { freePort, startServer, waitReady };
