import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createProject } from './setup/fixtures';
import { authHeaders, disposeEnv, freshEnv, startApp } from './setup/test-app';

const run = promisify(execFile);
const UUID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

/** Runs `npm run cli -- …` from sources (ts-node), as an operator would from the build. */
function cli(args: string[], env: Record<string, string>) {
  return run(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', './test/setup/register-paths.js', 'src/cli/main.ts', ...args],
    {
      env: { ...process.env, ...env },
      timeout: 90_000,
    },
  );
}

describe('CLI: create-client, create-organization', () => {
  it('prints a working id and secret once, for root and for a project client', async () => {
    const env = await freshEnv();
    try {
      let t = await startApp(env);
      const project = await createProject(t, { name: 'Cli' });
      // The embedded database has one owner process: the server stops while the CLI runs.
      await t.close();

      const root = JSON.parse((await cli(['create-client', '--mode', 'root', '--name', 'ops'], env)).stdout);
      expect(root).toMatchObject({ mode: 'root', projectId: null, organizationId: 'default' });
      expect(root.secret).toMatch(/^sec_[0-9a-f]{40}$/);
      const reader = JSON.parse((await cli(['create-client', '--mode', 'read', '--project', project.id], env)).stdout);
      expect(reader.projectId).toBe(project.id);
      await expect(cli(['create-client', '--mode', 'admin'], env)).rejects.toMatchObject({ code: 2 });

      t = await startApp(env);
      try {
        expect((await t.app.inject({ method: 'GET', url: '/manage/projects', headers: authHeaders(root) })).statusCode).toBe(200);
        expect((await t.app.inject({ method: 'GET', url: '/export/events', headers: authHeaders(reader) })).statusCode).toBe(200);
        const list = await t.app.inject({ method: 'GET', url: '/manage/clients', headers: authHeaders(root) });
        expect(list.body).not.toContain(root.secret);
        expect(list.body).not.toContain('secretHash');
      } finally {
        await t.close();
      }
    } finally {
      await disposeEnv(env);
    }
  });

  it('works while the server runs (the embedded database is reached through the server), prints JSON only on stdout, explains itself', async () => {
    const env = await freshEnv();
    try {
      const t = await startApp(env);
      try {
        const project = await createProject(t, { name: 'Live cli' });
        const made = await cli(['create-client', '--mode', 'read', '--project', project.id, '--name', 'analyst'], env);
        const reader = JSON.parse(made.stdout);
        expect(reader).toMatchObject({ mode: 'read', projectId: project.id });
        expect(made.stderr).toContain('The secret is shown only now');
        // The running server knows the client at once.
        const read = await t.app.inject({ method: 'GET', url: `/export/events?projectId=${project.id}`, headers: authHeaders(reader) });
        expect(read.statusCode).toBe(200);

        // A refusal is one sentence and the usage, no stack trace.
        const missing = await cli(['create-client', '--mode', 'write', '--project', 'no-such-project'], env).catch(
          (e: { code: number; stdout: string; stderr: string }) => e,
        );
        expect(missing).toMatchObject({ code: 2, stdout: '' });
        expect(missing.stderr).toMatch(/^no project with id no-such-project\n/);
        expect(missing.stderr).not.toMatch(/\bat \S+ \(/);
        // create-organization: a new organisation and its root client, known to the running server at once.
        const org = await cli(['create-organization', 'Acme', 'Corp'], env);
        const acme = JSON.parse(org.stdout);
        expect(acme).toEqual({
          id: UUID,
          secret: expect.stringMatching(/^sec_[0-9a-f]{40}$/),
          mode: 'root',
          projectId: null,
          organizationId: UUID,
        });
        expect(org.stderr).toContain('The secret is shown only now');
        expect((await t.app.inject({ method: 'GET', url: '/manage/projects', headers: authHeaders(acme) })).json()).toEqual({ data: [] });
        const created = await t.app.inject({
          method: 'POST',
          url: '/manage/projects',
          headers: authHeaders(acme),
          payload: { name: 'Acme site' },
        });
        expect(created.json().data.organizationId).toBe(acme.organizationId);
        // The default organisation's root client does not see it; its audit log names the CLI as no client.
        const defaults = await t.app.inject({ method: 'GET', url: '/manage/projects', headers: authHeaders(t.root) });
        expect(defaults.body).not.toContain('acme-site');
        const audit = (await t.app.inject({ method: 'GET', url: '/manage/audit', headers: authHeaders(acme) })).json().data;
        expect(audit.map((r: { action: string; clientId: string | null }) => `${r.action} by ${r.clientId ?? 'the CLI'}`).sort()).toEqual(
          [
            `client.create by ${acme.id}`,
            'client.create by the CLI',
            'organization.create by the CLI',
            `project.create by ${acme.id}`,
          ].sort(),
        );
        const nameless = await cli(['create-organization'], env).catch((e: { code: number; stderr: string }) => e);
        expect(nameless).toMatchObject({ code: 2 });
        expect(nameless.stderr).toMatch(/^create-organization needs a NAME\n/);

        const unknown = await cli(['create-client', '--bogus'], env).catch((e: { code: number; stderr: string }) => e);
        expect(unknown).toMatchObject({ code: 2 });
        expect(unknown.stderr).toContain('usage: npm run -s cli -- create-client');
      } finally {
        await t.close();
      }
      const help = await cli(['--help'], env);
      expect(help.stdout).toMatch(/^usage: npm run -s cli -- create-client --mode root\|read\|write/);
      expect(help.stdout).toContain('npm run -s cli -- create-organization NAME');
      expect(help.stderr).toBe('');
    } finally {
      await disposeEnv(env);
    }
  });
});
