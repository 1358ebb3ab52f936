import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createProject, type CreatedProject } from './setup/fixtures';
import { storedEvents } from './setup/stores';
import { useTestApp } from './setup/test-app';

const run = promisify(execFile);

describe('CLI: import FILE', () => {
  const t = useTestApp();
  let p: CreatedProject;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    p = await createProject(t, { name: 'Cli import' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.getHttpServer().address();
    if (!address || typeof address === 'string') throw new Error('no port');
    url = `http://127.0.0.1:${address.port}`;
    dir = mkdtempSync(join(tmpdir(), 'op-cli-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (args: string[], env: Record<string, string> = {}) =>
    run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', './test/setup/register-paths.js', 'src/cli/main.ts', 'import', ...args],
      {
        env: { ...process.env, ...env },
        timeout: 90_000,
      },
    );

  it('sends the file in parts through POST /import/events, numbers refused rows by their place in the file, and a second run stores nothing twice', async () => {
    const start = Date.now() - 3 * 24 * 3600_000;
    const lines: string[] = [];
    for (let i = 0; i < 2500; i++)
      lines.push(JSON.stringify({ name: 'cli_row', createdAt: start + i, deviceId: `d${i % 50}`, properties: { i: String(i) } }));
    lines[1700] = '{not json';
    lines.splice(1200, 0, '');
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const args = [file, '--project', p.id, '--url', url, '--rows', '1000'];
    const first = await cli(args, { OPENPANEL_CLIENT_ID: t.root.id, OPENPANEL_CLIENT_SECRET: t.root.secret });
    const totals = JSON.parse(first.stdout);
    expect(totals).toMatchObject({ accepted: 2499, duplicates: 0, rejectedCount: 1, rejected: [{ index: 1700, error: 'not valid JSON' }] });
    expect(await storedEvents(t, p.id, "name = 'cli_row'")).toHaveLength(2499);

    const again = JSON.parse((await cli([...args, '--client-id', t.root.id, '--client-secret', t.root.secret])).stdout);
    expect(again).toMatchObject({ accepted: 2499, duplicates: 2499 });
    expect(await storedEvents(t, p.id, "name = 'cli_row'")).toHaveLength(2499);
  });

  it('stops with the reason when the server refuses the credentials, and with usage when they are missing', async () => {
    const file = join(dir, 'one.ndjson');
    writeFileSync(file, '{"name":"x","createdAt":1750000000000}\n');
    await expect(cli([file, '--project', p.id, '--url', url, '--client-id', t.root.id, '--client-secret', 'wrong'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('the server answered 401'),
    });
    await expect(cli([file, '--url', url], { OPENPANEL_CLIENT_ID: '', OPENPANEL_CLIENT_SECRET: '' })).rejects.toMatchObject({ code: 2 });
  });
});
