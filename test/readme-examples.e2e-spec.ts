import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listen } from './client';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { storedEvents } from './setup/stores';
import { type Credentials, drainEvents, useTestApp } from './setup/test-app';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');

interface Example {
  lang: 'bash' | 'js';
  code: string;
  line: number;
}

/** The README's runnable blocks, in order: `bash` blocks that call curl or the CLI, and `js` blocks. */
function readmeExamples(): Example[] {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const examples: Example[] = [];
  const fence = /^```(\w+)\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    const [, lang, code] = m;
    const line = text.slice(0, m.index).split('\n').length;
    if (lang === 'js') examples.push({ lang, code, line });
    else if (lang === 'bash' && /^(curl|npm run -s cli) /m.test(code)) examples.push({ lang, code, line });
  }
  return examples;
}

/**
 * Every example of README.md, as a reader would paste it: its capitals replaced by a fixture's
 * credentials and `localhost:3333` by the test server, nothing else changed. curl runs with
 * `--fail-with-body`, so a 4xx or 5xx fails the example; the JavaScript examples run as ES
 * modules with this project's node_modules (the real SDKs).
 */
describe('README.md: every example works as written', () => {
  const t = useTestApp({ MANAGE_RATE_LIMIT: '1000' });
  let p: CreatedProject;
  let reader: Credentials;
  let host: string;
  let scratch: string;

  beforeAll(async () => {
    p = await createProject(t, { name: 'Readme' });
    reader = await createClient(t, { name: 'readme reader', mode: 'read', projectId: p.id });
    host = (await listen(t)).replace(/^http:\/\//, '');
    scratch = mkdtempSync(join(ROOT, '.readme-'));
  });
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
  });

  function filled(code: string): string {
    const values: Record<string, string> = {
      ROOT_ID: t.root.id,
      ROOT_SECRET: t.root.secret,
      WRITE_ID: p.writeClient.id,
      WRITE_SECRET: p.writeClient.secret,
      READ_ID: reader.id,
      READ_SECRET: reader.secret,
      PROJECT_ID: p.id,
    };
    return code
      .replace(/\b(ROOT_ID|ROOT_SECRET|WRITE_ID|WRITE_SECRET|READ_ID|READ_SECRET|PROJECT_ID)\b/g, (name) => values[name])
      .replaceAll('localhost:3333', host);
  }

  async function runExample(example: Example): Promise<string> {
    if (example.lang === 'js') {
      const file = join(scratch, `example-${example.line}.mjs`);
      writeFileSync(file, filled(example.code));
      return (await run(process.execPath, [file], { cwd: ROOT, timeout: 60_000 })).stdout;
    }
    // The CLI runs from sources here (no build in the test); the command line is the README's.
    const prelude = [
      'set -euo pipefail',
      'curl() { command curl -sS --fail-with-body "$@"; echo; }',
      `npm() { shift 4; node -r ts-node/register/transpile-only -r ./test/setup/register-paths.js src/cli/main.ts "$@"; }`,
    ].join('\n');
    const env = { ...process.env, ...t.env };
    return (
      await run('bash', ['-c', `${prelude}\n${filled(example.code).replace(/> analyst\.json/, `> ${join(scratch, 'analyst.json')}`)}`], {
        cwd: ROOT,
        env,
        timeout: 90_000,
      })
    ).stdout;
  }

  it('finds the examples: curl, the CLI and the three server SDKs', () => {
    const examples = readmeExamples();
    expect(examples.filter((e) => e.lang === 'bash').length).toBeGreaterThanOrEqual(5);
    expect(examples.filter((e) => e.lang === 'js').map((e) => /from '([^']+)'/.exec(e.code)?.[1])).toEqual([
      'posthog-node',
      '@segment/analytics-node',
      '@openpanel/sdk',
    ]);
  });

  it('runs each, in order; what they send is stored and what they read is there', async () => {
    const outputs: string[] = [];
    for (const example of readmeExamples()) {
      if (/export\/events/.test(example.code)) await drainEvents(t);
      try {
        outputs.push(await runExample(example));
      } catch (e) {
        const { stdout, stderr } = e as { stdout?: string; stderr?: string };
        throw new Error(`README.md line ${example.line} failed:\n${example.code}\nstdout: ${stdout}\nstderr: ${stderr}`, { cause: e });
      }
    }
    const all = outputs.join('\n');
    // Create project: a new project with its write client.
    expect(all).toMatch(/"id":"my-site"/);
    // The export of the project shows the curl events, the chart has the signup series.
    expect(all).toMatch(/"name":"signup"/);
    expect(all).toMatch(/"series":\[/);
    // The CLI wrote the client as JSON.
    expect(JSON.parse(readFileSync(join(scratch, 'analyst.json'), 'utf8'))).toMatchObject({ mode: 'read', projectId: p.id });
    expect(all).toContain('usage: npm run -s cli -- create-client');

    const names = (await storedEvents(t, p.id)).map((r) => r.name as string);
    expect(names).toEqual(expect.arrayContaining(['signup', 'checkout', 'invoice_paid', 'Order Completed', 'report_exported']));
    // The forwarded visitor: a browser device with geo and a session, not the server.
    const [checkout] = await storedEvents(t, p.id, "name = 'checkout'");
    expect(checkout).toMatchObject({ profile_id: 'user-42', device: 'desktop', browser: 'Chrome' });
    expect(checkout.country).not.toBe('');
    expect(checkout.session_id).not.toBe('');
  });
});
