import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ClickhouseService } from '@app/clickhouse';
import { ClientEntity, ProjectEntity } from '@app/database';
import { ClientsService } from '../src/auth';
import { ProjectPurgeService } from '../src/manage/projects/project-purge.service';
import { createClient, createProject } from './setup/fixtures';
import { authHeaders, type Credentials, drainEvents, useTestApp } from './setup/test-app';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const UUID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const SECRET = expect.stringMatching(/^sec_[0-9a-f]{40}$/);
const CLIENT_KEYS = ['createdAt', 'id', 'mode', 'name', 'organizationId', 'projectId', 'public', 'updatedAt'];

describe('Manage API: projects, clients, isolation (spec/manage.md)', () => {
  const t = useTestApp({ MANAGE_RATE_LIMIT: '10000', EXPORT_RATE_LIMIT: '10000' });
  const call = (method: Method, url: string, payload?: object, as: Credentials = t.root) =>
    t.app.inject({ method, url, headers: authHeaders(as), ...(payload ? { payload } : {}) });

  describe('projects', () => {
    it('create: slug id, cleaned CORS, timezone, and a "First client" whose secret is shown once', async () => {
      const res = await call('POST', '/manage/projects', {
        name: 'My Wébsite!',
        domain: 'https://example.com',
        cors: [' https://example.com/ ', 'https://example.com', '', '*.example.org//'],
        types: ['website'],
        timezone: 'Europe/Stockholm',
      });
      expect(res.statusCode).toBe(201);
      const { data } = res.json();
      expect(data).toEqual({
        id: 'my-website',
        name: 'My Wébsite!',
        organizationId: 'default',
        domain: 'https://example.com',
        cors: ['https://example.com', '*.example.org'],
        crossDomain: false,
        types: ['website'],
        timezone: 'Europe/Stockholm',
        retentionDays: null,
        eventsCount: 0,
        createdAt: ISO,
        updatedAt: ISO,
        deleteAt: null,
        client: { id: UUID, secret: SECRET },
      });
      const first = await call('GET', `/manage/clients/${data.client.id}`);
      expect(first.json().data).toEqual({
        id: data.client.id,
        name: 'First client',
        mode: 'write',
        projectId: 'my-website',
        organizationId: 'default',
        public: false,
        createdAt: ISO,
        updatedAt: ISO,
      });
      // The first client is a working write client: the guard admits it on /track (not 401).
      const track = await t.app.inject({
        method: 'POST',
        url: '/track',
        headers: authHeaders(data.client),
        payload: { type: 'track', payload: { name: 'first' } },
      });
      expect(track.statusCode).not.toBe(401);
    });

    it('create: a taken slug gets a numeric suffix; empty domain and timezone mean none', async () => {
      const res = await call('POST', '/manage/projects', { name: 'My website', domain: '', timezone: '' });
      expect(res.statusCode).toBe(201);
      expect(res.json().data).toMatchObject({
        id: expect.stringMatching(/^my-website-\d{4}$/),
        domain: null,
        timezone: null,
        cors: [],
        types: [],
      });
    });

    it('create: invalid fields → 400 naming each', async () => {
      const res = await call('POST', '/manage/projects', {
        name: '',
        domain: 'not a url',
        cors: 'x',
        types: ['tv'],
        timezone: 'Mars/Olympus',
      });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body).toMatchObject({ status: 400, error: 'Bad Request', message: 'Invalid request body' });
      expect(body.details).toContainEqual({ path: ['name'], message: 'String must contain at least 1 character(s)' });
      expect(body.details.map((d: { path: string[] }) => d.path[0]).sort()).toEqual(
        expect.arrayContaining(['cors', 'domain', 'name', 'timezone', 'types']),
      );
      const missing = await call('POST', '/manage/projects', {});
      expect(missing.json().details).toEqual([{ path: ['name'], message: 'Required' }]);
    });

    it('list is newest first; get by id; unknown id → 404', async () => {
      const a = await createProject(t, { name: 'Listed one' });
      const b = await createProject(t, { name: 'Listed two' });
      const ids = (await call('GET', '/manage/projects')).json().data.map((p: { id: string }) => p.id);
      expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
      expect((await call('GET', `/manage/projects/${a.id}`)).json().data).toMatchObject({ id: a.id, name: 'Listed one' });
      const missing = await call('GET', '/manage/projects/nope');
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ status: 404, error: 'Not Found', message: 'Project not found' });
    });

    it('eventsCount is the number of events the project holds, in list, get and update (those of another project do not count)', async () => {
      const a = await createProject(t, { name: 'Counted' });
      const b = await createProject(t, { name: 'Counted other' });
      const send = (project: typeof a, items: object[]) =>
        t.app.inject({ method: 'POST', url: '/track/batch', headers: authHeaders(project.writeClient), payload: { items } });
      const item = (name: string) => ({ type: 'track', payload: { name } });
      expect((await send(a, [item('one'), item('two'), item('three')])).json()).toMatchObject({ accepted: 3 });
      expect((await send(b, [item('other')])).json()).toMatchObject({ accepted: 1 });
      await drainEvents(t);
      const listed = (await call('GET', '/manage/projects')).json().data as { id: string; eventsCount: number }[];
      expect(listed.find((p) => p.id === a.id)?.eventsCount).toBe(3);
      expect(listed.find((p) => p.id === b.id)?.eventsCount).toBe(1);
      expect((await call('GET', `/manage/projects/${a.id}`)).json().data.eventsCount).toBe(3);
      expect((await call('PATCH', `/manage/projects/${a.id}`, { name: 'Counted, renamed' })).json().data.eventsCount).toBe(3);
    });

    it('update changes only what is sent; the id stays', async () => {
      const p = await createProject(t, { name: 'To update', domain: 'https://a.example', timezone: 'UTC', types: ['app'] });
      const res = await call('PATCH', `/manage/projects/${p.id}`, {
        name: 'Renamed',
        cors: ['https://b.example/'],
        timezone: null,
        crossDomain: true,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toMatchObject({
        id: p.id,
        name: 'Renamed',
        domain: 'https://a.example',
        cors: ['https://b.example'],
        timezone: null,
        crossDomain: true,
        types: ['app'],
      });
      const cleared = await call('PATCH', `/manage/projects/${p.id}`, { domain: null, types: null });
      expect(cleared.json().data).toMatchObject({ name: 'Renamed', domain: null, types: [] });
      const bad = await call('PATCH', `/manage/projects/${p.id}`, { name: null });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().details[0].path).toEqual(['name']);
      expect((await call('PATCH', '/manage/projects/nope', { name: 'x' })).statusCode).toBe(404);
    });

    it('soft delete: gone from lists, its clients refused at once; an update before 24 h restores it', async () => {
      const p = await createProject(t, { name: 'Doomed' });
      const reader = await createClient(t, { name: 'reader', mode: 'read', projectId: p.id });
      const exportAs = (c: Credentials) => t.app.inject({ method: 'GET', url: '/export/events', headers: authHeaders(c) });
      expect((await exportAs(reader)).statusCode).not.toBe(401); // cached by the guard now

      const del = await call('DELETE', `/manage/projects/${p.id}`);
      expect(del.statusCode).toBe(200);
      expect(del.json()).toEqual({ success: true });
      expect((await call('GET', '/manage/projects')).json().data.map((x: { id: string }) => x.id)).not.toContain(p.id);
      const shown = (await call('GET', `/manage/projects/${p.id}`)).json().data;
      const deleteAt = Date.parse(shown.deleteAt);
      expect(deleteAt - Date.now()).toBeGreaterThan(23.9 * 3600_000);
      expect(deleteAt - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
      expect((await exportAs(reader)).statusCode).toBe(401);
      expect((await call('GET', `/manage/clients?projectId=${p.id}`)).statusCode).toBe(404);
      expect((await call('GET', '/manage/clients')).json().data.map((c: { id: string }) => c.id)).not.toContain(reader.id);
      expect((await call('POST', '/manage/clients', { name: 'late', projectId: p.id })).statusCode).toBe(404);
      // Deleting again keeps the first deadline.
      await call('DELETE', `/manage/projects/${p.id}`);
      expect((await call('GET', `/manage/projects/${p.id}`)).json().data.deleteAt).toBe(shown.deleteAt);

      const restored = await call('PATCH', `/manage/projects/${p.id}`, { name: 'Saved' });
      expect(restored.json().data).toMatchObject({ id: p.id, name: 'Saved', deleteAt: null });
      expect((await call('GET', '/manage/projects')).json().data.map((x: { id: string }) => x.id)).toContain(p.id);
      expect((await exportAs(reader)).statusCode).not.toBe(401);
    });

    it('after 24 h the purge removes the project, its clients and its events', async () => {
      const p = await createProject(t, { name: 'Purged' });
      const keep = await createProject(t, { name: 'Kept' });
      const clickhouse = t.app.get(ClickhouseService);
      await clickhouse.client.insert({
        table: clickhouse.table('events'),
        values: [p.id, p.id, keep.id].map((projectId) => ({
          id: randomUUID(),
          name: 'e',
          project_id: projectId,
          created_at: '2024-01-01 00:00:00.000',
        })),
        format: 'JSONEachRow',
      });
      await call('DELETE', `/manage/projects/${p.id}`);
      const purge = t.app.get(ProjectPurgeService);
      expect(await purge.purgeDue()).toEqual([]);
      expect(await purge.purgeDue(new Date(Date.now() + 25 * 3600_000))).toEqual([p.id]);

      const count = async (projectId: string) => {
        const rs = await clickhouse.client.query({
          query: `SELECT count() AS c FROM ${clickhouse.table('events')} WHERE project_id = {projectId:String}`,
          query_params: { projectId },
          format: 'JSONEachRow',
        });
        return Number((await rs.json<{ c: string }>())[0].c);
      };
      expect(await count(p.id)).toBe(0);
      expect(await count(keep.id)).toBe(1);
      const db = t.app.get(DataSource);
      expect(await db.getRepository(ProjectEntity).existsBy({ id: p.id })).toBe(false);
      expect(await db.getRepository(ClientEntity).existsBy({ id: p.writeClient.id })).toBe(false);
      expect((await call('GET', `/manage/projects/${p.id}`)).statusCode).toBe(404);
    });
  });

  describe('clients', () => {
    let project: string;
    beforeAll(async () => {
      project = (await createProject(t, { name: 'Client home' })).id;
    });

    it('create: mode (or `type`), project or organisation scope, public; the secret only in this answer', async () => {
      const read = await call('POST', '/manage/clients', { name: 'Exporter', type: 'read', projectId: project });
      expect(read.statusCode).toBe(201);
      expect(read.json().data).toEqual({
        id: UUID,
        name: 'Exporter',
        mode: 'read',
        projectId: project,
        organizationId: 'default',
        public: false,
        createdAt: ISO,
        updatedAt: ISO,
        secret: SECRET,
      });
      const def = (await call('POST', '/manage/clients', { name: 'Default', projectId: project, public: true })).json().data;
      expect(def).toMatchObject({ mode: 'write', public: true });
      const root = (await call('POST', '/manage/clients', { name: 'Org admin', mode: 'root' })).json().data;
      expect(root).toMatchObject({ mode: 'root', projectId: null });

      const got = (await call('GET', `/manage/clients/${read.json().data.id}`)).json().data;
      expect(Object.keys(got).sort()).toEqual(CLIENT_KEYS);
      const list = await call('GET', '/manage/clients');
      for (const c of list.json().data) expect(Object.keys(c).sort()).toEqual(CLIENT_KEYS);
      expect(list.body).not.toMatch(/secret|sec_|[0-9a-f]{32}\.[0-9a-f]{128}/i);
    });

    it('create: bad mode, unknown project → 400 / 404', async () => {
      const bad = await call('POST', '/manage/clients', { name: 'x', mode: 'admin' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().details).toEqual([{ path: ['mode'], message: 'Expected one of write, read, root' }]);
      const missing = await call('POST', '/manage/clients', { name: 'x', projectId: 'nope' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().message).toBe('Project not found');
    });

    it('list by project; newest first', async () => {
      const a = await createClient(t, { name: 'first', projectId: project });
      const b = await createClient(t, { name: 'second', projectId: project });
      const ids = (await call('GET', `/manage/clients?projectId=${project}`))
        .json()
        .data.map((c: { id: string; projectId: string }) => c.id);
      expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
      const all = (await call('GET', `/manage/clients?projectId=${project}`)).json().data;
      expect(all.every((c: { projectId: string }) => c.projectId === project)).toBe(true);
      expect((await call('GET', '/manage/clients?projectId=nope')).statusCode).toBe(404);
    });

    it('rename; mode, project or public cannot be changed by an update', async () => {
      const c = await createClient(t, { name: 'old', projectId: project });
      const res = await call('PATCH', `/manage/clients/${c.id}`, { name: 'new' });
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toMatchObject({ id: c.id, name: 'new', mode: 'write' });
      expect(Object.keys(res.json().data).sort()).toEqual(CLIENT_KEYS);
      const refused = await call('PATCH', `/manage/clients/${c.id}`, { name: 'x', mode: 'root', projectId: null });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().details).toEqual([{ path: ['mode'], message: 'Cannot be changed: delete the client and create a new one' }]);
      const empty = await call('PATCH', `/manage/clients/${c.id}`, { name: '' });
      expect(empty.json().details).toEqual([{ path: ['name'], message: 'String must contain at least 1 character(s)' }]);
    });

    it("delete is effective at once: the client's next request is refused", async () => {
      const admin = await createClient(t, { name: 'temporary admin', mode: 'root' });
      expect((await call('GET', '/manage/projects', undefined, admin)).statusCode).toBe(200);
      const del = await call('DELETE', `/manage/clients/${admin.id}`);
      expect(del.statusCode).toBe(200);
      expect(del.json()).toEqual({ success: true });
      const after = await call('GET', '/manage/projects', undefined, admin);
      expect(after.statusCode).toBe(401);
      expect(after.json()).toEqual({ status: 401, error: 'Unauthorized', message: 'Invalid client credentials' });
      expect((await call('GET', `/manage/clients/${admin.id}`)).statusCode).toBe(404);
      expect((await call('DELETE', `/manage/clients/${admin.id}`)).statusCode).toBe(404);
    });

    it('a client cannot delete itself', async () => {
      const res = await call('DELETE', `/manage/clients/${t.root.id}`);
      expect(res.statusCode).toBe(409);
      expect((await call('GET', '/manage/projects')).statusCode).toBe(200);
    });

    it('ids that are not UUIDs → 400 naming `id`', async () => {
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const res = await call(method, '/manage/clients/not-a-uuid', method === 'PATCH' ? { name: 'x' } : undefined);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({
          status: 400,
          error: 'Bad Request',
          message: 'Invalid path parameters',
          details: [{ path: ['id'], message: 'Invalid uuid' }],
        });
      }
    });
  });

  describe('isolation between organisations, and modes', () => {
    let otherRoot: Credentials;
    let otherOrg: string;
    let mine: { project: string; client: string; reference: string };

    beforeAll(async () => {
      // The API has no organisation routes: a second one is made as `npm run cli -- create-organization` makes it.
      const other = await t.app.get(ClientsService).createOrganization('B');
      otherOrg = other.organizationId;
      otherRoot = { id: other.client.id, secret: other.secret };
      await createProject(t, { name: 'B project' }, otherRoot);
      const p = await createProject(t, { name: 'A private' });
      const reference = (await call('POST', '/manage/references', { projectId: p.id, title: 'A launch', datetime: '2024-01-15' })).json()
        .data.id;
      await call('PUT', `/manage/event-meta/${p.id}/signup`, { description: 'A only' });
      mine = { project: p.id, client: p.writeClient.id, reference };
    });

    it("another organisation's root client gets 404 for every id of A", async () => {
      const { project, client, reference } = mine;
      const attempts: Array<[Method, string, object?]> = [
        ['GET', `/manage/projects/${project}`],
        ['PATCH', `/manage/projects/${project}`, { name: 'stolen' }],
        ['DELETE', `/manage/projects/${project}`],
        ['GET', `/manage/clients?projectId=${project}`],
        ['GET', `/manage/clients/${client}`],
        ['PATCH', `/manage/clients/${client}`, { name: 'stolen' }],
        ['DELETE', `/manage/clients/${client}`],
        ['POST', '/manage/clients', { name: 'intruder', projectId: project }],
        ['GET', `/manage/references?projectId=${project}`],
        ['GET', `/manage/references/${reference}`],
        ['PATCH', `/manage/references/${reference}`, { title: 'stolen' }],
        ['DELETE', `/manage/references/${reference}`],
        ['POST', '/manage/references', { projectId: project, title: 'x', datetime: '2024-01-01' }],
        ['GET', `/manage/event-meta?projectId=${project}`],
        ['PUT', `/manage/event-meta/${project}/signup`, { description: 'stolen' }],
        ['DELETE', `/manage/event-meta/${project}/signup`],
      ];
      for (const [method, url, body] of attempts) {
        const res = await call(method, url, body, otherRoot);
        expect({ method, url, status: res.statusCode }).toEqual({ method, url, status: 404 });
      }
      // Nothing changed for A.
      expect((await call('GET', `/manage/projects/${project}`)).json().data.name).toBe('A private');
      expect((await call('GET', `/manage/references/${reference}`)).json().data.title).toBe('A launch');
      expect((await call('GET', `/manage/event-meta?projectId=${project}`)).json().data[0].description).toBe('A only');
    });

    it("lists never show A's objects to B", async () => {
      const projects = (await call('GET', '/manage/projects', undefined, otherRoot)).json().data;
      expect(projects.map((p: { id: string }) => p.id)).toEqual(['b-project']);
      const clients = (await call('GET', '/manage/clients', undefined, otherRoot)).json().data;
      expect(clients.every((c: { organizationId: string }) => c.organizationId === otherOrg)).toBe(true);
      expect((await call('GET', '/manage/references', undefined, otherRoot)).json().data).toEqual([]);
    });

    it('read and write clients get 401 on every manage route', async () => {
      const reader = await createClient(t, { name: 'reader', mode: 'read', projectId: mine.project });
      const writer = await createClient(t, { name: 'writer', mode: 'write', projectId: mine.project });
      const id = randomUUID();
      const routes: Array<[Method, string]> = [
        ['GET', '/manage/projects'],
        ['GET', `/manage/projects/${mine.project}`],
        ['POST', '/manage/projects'],
        ['PATCH', `/manage/projects/${mine.project}`],
        ['DELETE', `/manage/projects/${mine.project}`],
        ['GET', '/manage/clients'],
        ['GET', `/manage/clients/${id}`],
        ['POST', '/manage/clients'],
        ['PATCH', `/manage/clients/${id}`],
        ['DELETE', `/manage/clients/${id}`],
        ['GET', '/manage/references'],
        ['GET', `/manage/references/${id}`],
        ['POST', '/manage/references'],
        ['PATCH', `/manage/references/${id}`],
        ['DELETE', `/manage/references/${id}`],
        ['GET', `/manage/event-meta?projectId=${mine.project}`],
        ['PUT', `/manage/event-meta/${mine.project}/x`],
        ['DELETE', `/manage/event-meta/${mine.project}/x`],
      ];
      for (const who of [reader, writer]) {
        for (const [method, url] of routes) {
          const res = await call(method, url, method === 'GET' || method === 'DELETE' ? undefined : {}, who);
          expect({ method, url, status: res.statusCode, body: res.json() }).toEqual({
            method,
            url,
            status: 401,
            body: { status: 401, error: 'Unauthorized', message: 'Manage: Only root clients are allowed to manage resources' },
          });
        }
      }
    });
  });
});

describe('Manage API: rate limit (20 requests / 10 s per client)', () => {
  const t = useTestApp();

  it('the 21st request within 10 s is 429, whatever the manage route', async () => {
    const headers = authHeaders(t.root);
    const urls = ['/manage/projects', '/manage/clients', '/manage/references'];
    for (let i = 0; i < 20; i++) {
      const res = await t.app.inject({ method: 'GET', url: urls[i % urls.length], headers });
      expect(res.statusCode).toBe(200);
    }
    const limited = await t.app.inject({ method: 'GET', url: '/manage/references', headers });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({ status: 429, error: 'Too Many Requests', message: 'Rate limit exceeded: 20 requests per 10 s' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});
