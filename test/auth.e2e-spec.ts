import { DataSource } from 'typeorm';
import { OrganizationEntity } from '@app/database';
import { ClientsService } from '../src/auth';
import { createClient, createProject, type CreatedProject } from './setup/fixtures';
import { authHeaders, type Credentials, drainEvents, useTestApp } from './setup/test-app';
import { USER_AGENTS } from './setup/stores';

const TRACK = { type: 'track', payload: { name: 'auth_check' } };

describe('Auth: who may call what (spec/auth.md)', () => {
  const t = useTestApp({ MANAGE_RATE_LIMIT: '10000', EXPORT_RATE_LIMIT: '10000' });
  let a: CreatedProject;
  let b: CreatedProject;
  let open: CreatedProject;
  let readA: Credentials;
  let publicA: Credentials;
  let otherOrgRoot: Credentials;
  let otherOrgProject: CreatedProject;

  const track = (headers: Record<string, string>, payload: unknown = TRACK) =>
    t.app.inject({ method: 'POST', url: '/track', headers, payload: payload as object });
  const exportEvents = (headers: Record<string, string>, query = `?projectId=${a.id}`) =>
    t.app.inject({ method: 'GET', url: `/export/events${query}`, headers });
  const manage = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/manage/projects', headers });

  beforeAll(async () => {
    a = await createProject(t, { name: 'Project A', cors: ['https://example.com/', '*.trusted.dev'] });
    b = await createProject(t, { name: 'Project B' });
    open = await createProject(t, { name: 'Open', cors: ['*'] });
    readA = await createClient(t, { name: 'reader', mode: 'read', projectId: a.id });
    publicA = await createClient(t, { name: 'public sdk', mode: 'write', projectId: a.id, public: true });
    // A second organisation exists only through the database: the API has no organisation routes.
    await t.app.get(DataSource).getRepository(OrganizationEntity).insert({ id: 'other-org', name: 'Other' });
    const other = await t.app.get(ClientsService).create({ name: 'other root', mode: 'root', organizationId: 'other-org' });
    otherOrgRoot = { id: other.client.id, secret: other.secret };
    otherOrgProject = await createProject(t, { name: 'Foreign' }, otherOrgRoot);
  });

  describe('credentials', () => {
    it.each([
      ['ingest', () => track({}), 'Ingestion: Missing client id'],
      ['export', () => exportEvents({}), 'Export: Missing client id'],
      ['manage', () => manage({}), 'Manage: Missing client id'],
    ])('missing id on %s → 401 in the error shape', async (_scope, call, message) => {
      const res = await call();
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ status: 401, error: 'Unauthorized', message });
    });

    it('a client id that is not a UUID → 401', async () => {
      const res = await manage({ 'openpanel-client-id': 'not-a-uuid', 'openpanel-client-secret': 'x' });
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toBe('Manage: Client id must be a UUID');
    });

    it('an unknown id → 401 Invalid client credentials', async () => {
      const res = await manage(authHeaders({ id: '00000000-0000-4000-8000-000000000000', secret: 'sec_x' }));
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ status: 401, error: 'Unauthorized', message: 'Invalid client credentials' });
    });

    it('a wrong secret → 401, the right one → 200', async () => {
      expect((await manage(authHeaders({ id: t.root.id, secret: `${t.root.secret}x` }))).statusCode).toBe(401);
      expect((await manage(authHeaders(t.root))).statusCode).toBe(200);
    });

    it('export and manage need the secret even with an allowed origin', async () => {
      const res = await exportEvents({ 'openpanel-client-id': readA.id, origin: 'https://example.com' });
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toBe('Export: Missing client secret');
    });

    it('legacy mixan-* headers are accepted', async () => {
      const res = await track({ 'mixan-client-id': a.writeClient.id, 'mixan-client-secret': a.writeClient.secret });
      expect(res.statusCode).toBe(200);
    });

    it('/track takes clientId and clientSecret from the body', async () => {
      const res = await track({}, { ...TRACK, clientId: a.writeClient.id, clientSecret: a.writeClient.secret });
      expect(res.statusCode).toBe(200);
    });
  });

  describe('modes', () => {
    it('write: ingests; export and manage refused with the spec wording', async () => {
      const h = authHeaders(a.writeClient);
      expect((await track(h)).statusCode).toBe(200);
      const ex = await exportEvents(h);
      expect(ex.statusCode).toBe(401);
      expect(ex.json().message).toBe('Export: Client is not allowed to export');
      const mg = await manage(h);
      expect(mg.statusCode).toBe(401);
      expect(mg.json().message).toBe('Manage: Only root clients are allowed to manage resources');
    });

    it('read: exports its own project, may omit projectId; no ingest, no manage', async () => {
      const h = authHeaders(readA);
      expect((await exportEvents(h)).statusCode).toBe(200);
      expect((await exportEvents(h, '')).statusCode).toBe(200);
      const ing = await track(h);
      expect(ing.statusCode).toBe(401);
      expect(ing.json().message).toBe('Ingestion: Read-only clients cannot send events');
      expect((await manage(h)).statusCode).toBe(401);
    });

    it('read: another project of the organisation → 403', async () => {
      const res = await exportEvents(authHeaders(readA), `?projectId=${b.id}`);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ status: 403, error: 'Forbidden', message: 'You do not have access to this project' });
    });

    it('root: exports any project of its organisation, manages; cannot ingest without a project', async () => {
      const h = authHeaders(t.root);
      expect((await exportEvents(h, `?projectId=${b.id}`)).statusCode).toBe(200);
      expect((await exportEvents(h, `?project_id=${a.id}`)).statusCode).toBe(200);
      expect((await manage(h)).statusCode).toBe(200);
      const ing = await track(h);
      expect(ing.statusCode).toBe(401);
      expect(ing.json().message).toBe('Ingestion: Client has no project to send events to');
    });

    it('root: projectId is required', async () => {
      const res = await exportEvents(authHeaders(t.root), '');
      expect(res.statusCode).toBe(400);
      expect(res.json().details).toEqual([{ path: ['projectId'], message: 'Required' }]);
    });

    it("root: another organisation's project → 404, both ways", async () => {
      const mine = await exportEvents(authHeaders(t.root), `?projectId=${otherOrgProject.id}`);
      expect(mine.statusCode).toBe(404);
      expect(mine.json()).toEqual({ status: 404, error: 'Not Found', message: 'Project not found' });
      expect((await exportEvents(authHeaders(otherOrgRoot), `?projectId=${a.id}`)).statusCode).toBe(404);
      const list = await manage(authHeaders(otherOrgRoot));
      expect(list.json().data.map((p: { id: string }) => p.id)).toEqual([otherOrgProject.id]);
    });
  });

  describe('ingestion without a secret', () => {
    // A browser's user agent: without a secret, a bot's (inject's default) would get 202.
    const BROWSER = USER_AGENTS.safari;
    const noSecret = (c: Credentials, origin?: string) => ({
      'openpanel-client-id': c.id,
      'user-agent': BROWSER,
      ...(origin ? { origin } : {}),
    });

    it.each([
      'https://example.com',
      'http://www.example.com/',
      'https://EXAMPLE.com',
      'https://app.trusted.dev',
      'https://a.b.trusted.dev',
    ])('allowed origin %s → 200', async (origin) => {
      expect((await track(noSecret(a.writeClient, origin))).statusCode).toBe(200);
    });

    it.each([
      'https://evil.com',
      'https://example.com.evil.net',
      'https://evilexample.com',
      'https://trusted.dev',
      'https://eviltrusted.dev',
      'https://trusted.dev.evil.net',
    ])('refused origin %s → 401 (wildcards anchored)', async (origin) => {
      const res = await track(noSecret(a.writeClient, origin));
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toBe(`Ingestion: Origin ${origin} is not allowed for this client`);
    });

    it('no origin and no secret → 401', async () => {
      const res = await track(noSecret(a.writeClient));
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toBe('Ingestion: Missing client secret');
    });

    it('`*` admits any origin', async () => {
      expect((await track(noSecret(open.writeClient, 'https://anything.example.org'))).statusCode).toBe(200);
    });

    it('a public client needs neither secret nor origin', async () => {
      expect((await track(noSecret(publicA))).statusCode).toBe(200);
    });

    it('a wrong secret is refused even from an allowed origin', async () => {
      const res = await track({ ...authHeaders({ id: a.writeClient.id, secret: 'sec_wrong' }), origin: 'https://example.com' });
      expect(res.statusCode).toBe(401);
    });
  });

  it('every accepted ingest landed in the right project, and only those', async () => {
    await drainEvents(t);
    const res = await exportEvents(authHeaders(readA), '?limit=1000');
    const { meta, data } = res.json();
    // 2 (legacy, body) + 1 (write) + 5 (origins) + 1 (public) in project A.
    expect(meta.totalCount).toBe(9);
    expect(data.every((e: { projectId: string; name: string }) => e.projectId === a.id && e.name === 'auth_check')).toBe(true);
    const openRes = await exportEvents(authHeaders(t.root), `?projectId=${open.id}`);
    expect(openRes.json().meta.totalCount).toBe(1);
  });
});
