import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { freePort } from './setup/server-process';
import { disposeEnv, freshEnv } from './setup/test-app';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..');

/** The runtime stage of the Dockerfile: its COPY lines, its RUN lines and its CMD. */
function runtimeStage(dockerfile: string): { copies: { from?: string; src: string[]; dest: string }[]; runs: string[]; cmd: unknown } {
  const lines = dockerfile
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const start = lines.findIndex((l) => /^FROM\s+\S+\s+AS\s+runtime$/i.test(l));
  if (start < 0) throw new Error('the Dockerfile has no "FROM … AS runtime" stage');
  const stage = lines.slice(start + 1);
  const end = stage.findIndex((l) => /^FROM\s/i.test(l));
  const body = end < 0 ? stage : stage.slice(0, end);
  const copies = body
    .filter((l) => /^COPY\s/i.test(l))
    .map((l) => {
      const words = l.split(/\s+/).slice(1);
      const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
      const dest = words.pop()!;
      return { from, src: words, dest };
    });
  const runs = body.filter((l) => /^RUN\s/i.test(l)).map((l) => l.replace(/^RUN\s+/i, ''));
  const cmdLine = body.filter((l) => /^CMD\s/i.test(l)).pop();
  return { copies, runs, cmd: cmdLine ? JSON.parse(cmdLine.replace(/^CMD\s+/i, '')) : undefined };
}

/** Runs a command to its end, resolving with its exit code, signal and output. */
function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

/**
 * The image's way of running the server, without Docker: the runtime stage's files copied
 * into a scratch directory as its COPY lines say, production dependencies installed and the
 * server started by scripts/start-production.sh as its RUN and CMD lines say, then one event
 * in and out over HTTP, and SIGTERM.
 */
describe('Production start (the Dockerfile runtime stage, run by scripts/start-production.sh)', () => {
  let scratch: string;
  let env: Record<string, string>;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'src', 'main.js'))) {
      const build = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], { cwd: ROOT, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`nest build failed: ${build.stdout}${build.stderr}`);
    }
    scratch = mkdtempSync(join(tmpdir(), 'op-prod-'));
    env = await freshEnv({ LOG_LEVEL: 'log' });
  });
  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const gone = new Promise((r) => server!.once('exit', r));
      server.kill('SIGKILL');
      await gone;
    }
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    if (env) await disposeEnv(env);
  });

  it('installs production dependencies only, starts, stores and exports an event, and drains on SIGTERM', async () => {
    const stage = runtimeStage(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    // The image installs and starts with the script, and nothing else runs in its stage.
    expect(stage.runs).toEqual([
      'scripts/start-production.sh install && npm cache clean --force',
      'mkdir -p /data && chown node:node /data',
    ]);
    expect(stage.cmd).toEqual(['scripts/start-production.sh', 'start']);

    // Files enter the stage only through these COPY lines: copy the same into the scratch directory.
    for (const copy of stage.copies) {
      const dest = copy.dest.endsWith('/') || copy.src.length > 1 ? copy.dest : undefined;
      for (const src of copy.src) {
        // `--from=build /app/dist`: the build stage's output, which is this checkout's dist/.
        const from = copy.from === 'build' ? join(ROOT, src.replace(/^\/app\//, '')) : join(ROOT, src);
        if (copy.from && copy.from !== 'build') throw new Error(`unexpected COPY --from=${copy.from}`);
        const to = join(scratch, dest ? join(dest, src.split('/').pop()!) : copy.dest);
        cpSync(from, to, { recursive: true });
      }
    }
    expect(existsSync(join(scratch, 'dist', 'src', 'main.js'))).toBe(true);
    expect(existsSync(join(scratch, 'scripts', 'start-production.sh'))).toBe(true);

    // The environment of a container: no npm_config_* of the `npm test` that runs this.
    // The node running this test comes first on PATH: the server runs on the same Node.js.
    const base = {
      PATH: [dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(delimiter),
      HOME: process.env.HOME ?? tmpdir(),
    };
    // --prefer-offline takes the packages from npm's cache when it has them (the same versions
    // from the same lock: only the download is skipped).
    const started = Date.now();
    const install = await run('sh', ['scripts/start-production.sh', 'install', '--prefer-offline'], {
      cwd: scratch,
      env: base,
      timeoutMs: 240_000,
    });
    const installMs = Date.now() - started;
    expect({ code: install.code, output: install.code === 0 ? '' : install.output }).toEqual({ code: 0, output: '' });
    process.stdout.write(`production install: ${(installMs / 1000).toFixed(1)} s\n`);
    // Production dependencies only: no dev tool came along.
    for (const dev of ['jest', 'eslint', '@nestjs/cli', 'dclint']) expect(existsSync(join(scratch, 'node_modules', dev))).toBe(false);
    for (const prod of ['@nestjs/core', 'chdb', '@electric-sql/pglite']) expect(existsSync(join(scratch, 'node_modules', prod))).toBe(true);

    const port = await freePort();
    const serverEnv: NodeJS.ProcessEnv = {
      ...base,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: env.DATA_DIR,
      ROOT_CLIENT_ID: env.ROOT_CLIENT_ID,
      ROOT_CLIENT_SECRET: env.ROOT_CLIENT_SECRET,
      LOG_FORMAT: 'text',
      ...(env.DATABASE_URL ? { DATABASE_URL: env.DATABASE_URL } : {}),
    };
    const child = spawn('sh', ['scripts/start-production.sh', 'start'], {
      cwd: scratch,
      env: serverEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    let log = '';
    child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal })),
    );

    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited during start-up: ${log}`);
      const ready = await fetch(`${url}/healthz/ready`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready === 200) break;
      if (Date.now() > deadline) throw new Error(`server not ready after 90 s: ${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const root = { 'openpanel-client-id': env.ROOT_CLIENT_ID, 'openpanel-client-secret': env.ROOT_CLIENT_SECRET };
    const json = { 'content-type': 'application/json' };
    // The root client has no project to send to: it creates one, whose write client sends.
    const created = await fetch(`${url}/manage/projects`, {
      method: 'POST',
      headers: { ...root, ...json },
      body: JSON.stringify({ name: 'Production start' }),
    });
    expect(created.status).toBe(201);
    const project = ((await created.json()) as { data: { id: string; client: { id: string; secret: string } } }).data;
    const writer = { 'openpanel-client-id': project.client.id, 'openpanel-client-secret': project.client.secret };
    const tracked = await fetch(`${url}/track`, {
      method: 'POST',
      headers: { ...writer, ...json },
      body: JSON.stringify({ type: 'track', payload: { name: 'production_start', properties: { from: 'scratch' } } }),
    });
    expect(tracked.status).toBe(200);

    let names: string[] = [];
    for (let i = 0; i < 100 && names.length === 0; i++) {
      const res = await fetch(`${url}/export/events?projectId=${project.id}`, { headers: root });
      expect(res.status).toBe(200);
      names = ((await res.json()) as { data: { name: string }[] }).data.map((e) => e.name);
      if (names.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(names).toEqual(['production_start']);

    // The script exec'ed node: the child's pid is the server's, so the signal reaches it.
    const stopAt = Date.now();
    child.kill('SIGTERM');
    const bound = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
    const end = await Promise.race([exited, bound]);
    // Nest re-raises the signal once the drain is done: a clean stop ends "by SIGTERM" (143 in
    // `docker ps`); a drain that fails or outlasts SHUTDOWN_TIMEOUT_MS exits with code 1.
    expect(end).toEqual({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - stopAt).toBeLessThan(15_000);
    expect(log).toMatch(/SIGTERM received: stopping/);
    expect(log).toMatch(/writers closed: \d+ waiting rows inserted into ClickHouse before stopping/);
  });
});
