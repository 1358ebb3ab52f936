import { createProject } from './setup/fixtures';
import { authHeaders, useTestApp } from './setup/test-app';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const UUID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

describe('Manage API: references and event meta (seed 003)', () => {
  const t = useTestApp({ MANAGE_RATE_LIMIT: '10000' });
  let project: string;
  let other: string;
  const call = (method: Method, url: string, payload?: object) =>
    t.app.inject({ method, url, headers: authHeaders(t.root), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    project = (await createProject(t, { name: 'My project' })).id;
    other = (await createProject(t, { name: 'Other project' })).id;
  });

  describe('references', () => {
    it('create answers the seed shape; `datetime` becomes `date`', async () => {
      const res = await call('POST', '/manage/references', {
        projectId: project,
        title: 'Product Launch',
        description: 'Version 2.0 released with new features',
        datetime: '2024-01-15T10:00:00.000Z',
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toEqual({
        data: {
          id: UUID,
          title: 'Product Launch',
          description: 'Version 2.0 released with new features',
          date: '2024-01-15T10:00:00.000Z',
          projectId: project,
          createdAt: ISO,
          updatedAt: ISO,
        },
      });
      expect((await call('GET', `/manage/references/${body.data.id}`)).json()).toEqual(body);
    });

    it.each([
      ['2024-01-15', '2024-01-15T00:00:00.000Z'],
      ['2024-01-15T10:00:00-05:00', '2024-01-15T15:00:00.000Z'],
      ['2024-03-01T08:30:00+02:00', '2024-03-01T06:30:00.000Z'],
      ['2024-06-01T12:00:00', '2024-06-01T12:00:00.000Z'],
    ])('datetime %s is stored as %s', async (datetime, date) => {
      const res = await call('POST', '/manage/references', { projectId: project, title: 'Dated', datetime });
      expect(res.statusCode).toBe(201);
      expect(res.json().data).toMatchObject({ date, description: null });
    });

    it('list: all of the organisation, or one project; an unknown project → 404', async () => {
      await call('POST', '/manage/references', { projectId: other, title: 'Elsewhere', datetime: '2023-05-05' });
      const all = (await call('GET', '/manage/references')).json().data;
      expect(new Set(all.map((r: { projectId: string }) => r.projectId))).toEqual(new Set([project, other]));
      const dates = all.map((r: { date: string }) => r.date);
      expect(dates).toEqual([...dates].sort().reverse());
      const mine = (await call('GET', `/manage/references?projectId=${project}`)).json().data;
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((r: { projectId: string }) => r.projectId === project)).toBe(true);
      const missing = await call('GET', '/manage/references?projectId=nope');
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ status: 404, error: 'Not Found', message: 'Project not found' });
    });

    it('update: only what is sent; `description: null` clears it; updatedAt moves', async () => {
      const created = (
        await call('POST', '/manage/references', {
          projectId: project,
          title: 'Draft',
          description: 'notes',
          datetime: '2024-01-15T10:00:00Z',
        })
      ).json().data;
      await new Promise((r) => setTimeout(r, 10));
      const res = await call('PATCH', `/manage/references/${created.id}`, { title: 'Product Launch v2.1', datetime: '2024-01-16' });
      expect(res.statusCode).toBe(200);
      const updated = res.json().data;
      expect(updated).toEqual({ ...created, title: 'Product Launch v2.1', date: '2024-01-16T00:00:00.000Z', updatedAt: ISO });
      expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
      const cleared = (await call('PATCH', `/manage/references/${created.id}`, { description: null })).json().data;
      expect(cleared).toMatchObject({ title: 'Product Launch v2.1', description: null });
      const same = await call('PATCH', `/manage/references/${created.id}`, {});
      expect(same.json().data).toEqual(cleared);
    });

    it('delete answers { success: true }; the reference is gone', async () => {
      const { id } = (await call('POST', '/manage/references', { projectId: project, title: 'Temporary', datetime: '2024-01-01' })).json()
        .data;
      const res = await call('DELETE', `/manage/references/${id}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ success: true });
      const gone = await call('GET', `/manage/references/${id}`);
      expect(gone.statusCode).toBe(404);
      expect(gone.json()).toEqual({ status: 404, error: 'Not Found', message: 'Reference not found' });
      expect((await call('DELETE', `/manage/references/${id}`)).statusCode).toBe(404);
      expect((await call('PATCH', `/manage/references/${id}`, { title: 'x' })).statusCode).toBe(404);
    });

    it('an empty title → 400 exactly as in the seed', async () => {
      const res = await call('POST', '/manage/references', { projectId: project, title: '', datetime: '2024-01-15' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        status: 400,
        error: 'Bad Request',
        message: 'Invalid request body',
        details: [{ path: ['title'], message: 'String must contain at least 1 character(s)' }],
      });
    });

    it.each(['yesterday', '2024-02-30', '2024-13-01', '15/01/2024', ''])('datetime %j → 400 on create and update', async (datetime) => {
      const res = await call('POST', '/manage/references', { projectId: project, title: 'Bad date', datetime });
      expect(res.statusCode).toBe(400);
      expect(res.json().details).toEqual([{ path: ['datetime'], message: 'Invalid datetime' }]);
      const { id } = (await call('POST', '/manage/references', { projectId: project, title: 'Good date', datetime: '2024-01-01' })).json()
        .data;
      const patch = await call('PATCH', `/manage/references/${id}`, { datetime });
      expect(patch.json().details).toEqual([{ path: ['datetime'], message: 'Invalid datetime' }]);
    });

    it('missing fields, null title, wrong types → 400 with a path for each', async () => {
      const res = await call('POST', '/manage/references', { description: 5 });
      expect(res.statusCode).toBe(400);
      expect(res.json().details).toEqual([
        { path: ['projectId'], message: 'Required' },
        { path: ['title'], message: 'Required' },
        { path: ['description'], message: 'Expected string, received number' },
        { path: ['datetime'], message: 'Required' },
      ]);
      const { id } = (await call('POST', '/manage/references', { projectId: project, title: 'Keep', datetime: '2024-01-01' })).json().data;
      const patch = await call('PATCH', `/manage/references/${id}`, { title: null, datetime: null });
      expect(patch.statusCode).toBe(400);
      expect(patch.json().details.map((d: { path: string[] }) => d.path)).toEqual([['title'], ['datetime']]);
      expect((await call('GET', `/manage/references/${id}`)).json().data.title).toBe('Keep');
    });

    it('a reference of an unknown project → 404 Project not found', async () => {
      const res = await call('POST', '/manage/references', { projectId: 'nope', title: 'x', datetime: '2024-01-01' });
      expect(res.statusCode).toBe(404);
      expect(res.json().message).toBe('Project not found');
    });

    it('ids that are not UUIDs → 400 naming `id`', async () => {
      const res = await call('GET', '/manage/references/1234');
      expect(res.statusCode).toBe(400);
      expect(res.json().details).toEqual([{ path: ['id'], message: 'Invalid uuid' }]);
    });

    it("a deleted project's references are hidden with it, and back when it is restored", async () => {
      const p = await createProject(t, { name: 'Short lived' });
      const { id } = (await call('POST', '/manage/references', { projectId: p.id, title: 'Hidden', datetime: '2024-01-01' })).json().data;
      await call('DELETE', `/manage/projects/${p.id}`);
      expect((await call('GET', `/manage/references/${id}`)).statusCode).toBe(404);
      expect((await call('GET', '/manage/references')).json().data.map((r: { id: string }) => r.id)).not.toContain(id);
      await call('PATCH', `/manage/projects/${p.id}`, { name: 'Short lived' });
      expect((await call('GET', `/manage/references/${id}`)).statusCode).toBe(200);
    });
  });

  describe('event meta', () => {
    it('put creates and replaces; list by name; delete', async () => {
      const put = await call('PUT', `/manage/event-meta/${project}/sign_up`, { description: 'Created an account', conversion: true });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toEqual({
        data: { projectId: project, name: 'sign_up', description: 'Created an account', conversion: true, createdAt: ISO, updatedAt: ISO },
      });
      await call('PUT', `/manage/event-meta/${project}/${encodeURIComponent('Added to cart/checkout')}`, {
        description: 'Slash and space',
      });
      const replaced = await call('PUT', `/manage/event-meta/${project}/sign_up`, { conversion: false });
      expect(replaced.json().data).toMatchObject({ name: 'sign_up', description: null, conversion: false });

      const list = (await call('GET', `/manage/event-meta?projectId=${project}`)).json().data;
      expect(list.map((m: { name: string }) => m.name)).toEqual(['Added to cart/checkout', 'sign_up']);
      expect((await call('GET', `/manage/event-meta?projectId=${other}`)).json().data).toEqual([]);

      expect((await call('DELETE', `/manage/event-meta/${project}/sign_up`)).json()).toEqual({ success: true });
      expect((await call('DELETE', `/manage/event-meta/${project}/sign_up`)).statusCode).toBe(404);
      expect((await call('GET', `/manage/event-meta?projectId=${project}`)).json().data).toHaveLength(1);
    });

    it('validation and unknown projects', async () => {
      const bad = await call('PUT', `/manage/event-meta/${project}/x`, { conversion: 'yes' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().details).toEqual([{ path: ['conversion'], message: 'Expected boolean, received string' }]);
      expect((await call('GET', '/manage/event-meta')).json().details).toEqual([{ path: ['projectId'], message: 'Required' }]);
      expect((await call('PUT', '/manage/event-meta/nope/x', {})).statusCode).toBe(404);
    });
  });
});
