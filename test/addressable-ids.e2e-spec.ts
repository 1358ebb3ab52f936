import { createProject } from './setup/fixtures';
import { authHeaders, useTestApp } from './setup/test-app';

type Method = 'GET' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * D12: every id and name the API creates can be addressed again: the id of a long-named
 * project (also when a collision adds its suffix), and an event-meta name of the documented
 * maximum of 255 characters, percent-encoded in the path.
 */
describe('ids and names the API creates are addressable', () => {
  const t = useTestApp({ MANAGE_RATE_LIMIT: '10000' });
  const call = (method: Method, url: string, payload?: object) =>
    t.app.inject({ method, url, headers: authHeaders(t.root), ...(payload ? { payload } : {}) });

  it('a long-named project, created twice (the second id takes a suffix): get, patch and delete both', async () => {
    const name = `Long project ${'x'.repeat(120)}`;
    const first = await createProject(t, { name });
    const second = await createProject(t, { name });
    expect(first.id).toBe(`long-project-${'x'.repeat(82)}`);
    expect(second.id).toMatch(new RegExp(`^${first.id}-\\d{4}$`));
    for (const { id } of [first, second]) {
      expect(id.length).toBeLessThanOrEqual(100);
      const got = await call('GET', `/manage/projects/${id}`);
      expect({ status: got.statusCode, id: got.json().data?.id }).toEqual({ status: 200, id });
      const patched = await call('PATCH', `/manage/projects/${id}`, { name: 'Renamed' });
      expect({ status: patched.statusCode, name: patched.json().data?.name }).toEqual({ status: 200, name: 'Renamed' });
      const deleted = await call('DELETE', `/manage/projects/${id}`);
      expect(deleted.statusCode).toBe(200);
    }
  });

  it('a slug cut at the cap never ends in a dash before its suffix', async () => {
    const { id } = await createProject(t, { name: `${'a'.repeat(94)} tail` });
    expect(id).toBe('a'.repeat(94));
    const again = await createProject(t, { name: `${'a'.repeat(94)} tail` });
    expect(again.id).toMatch(new RegExp(`^${'a'.repeat(94)}-\\d{4}$`));
  });

  describe('event-meta names up to the documented 255 characters', () => {
    let project: string;
    beforeAll(async () => {
      project = (await createProject(t, { name: 'Event meta names' })).id;
    });

    it.each([
      ['255 ASCII characters', 'e'.repeat(255)],
      ['255 four-byte characters (3,060 characters percent-encoded)', '\u{1F600}'.repeat(255)],
      ['255 characters with slashes, spaces and percent signs', 'a/b c%'.repeat(42) + 'abc'],
    ])('%s: put, listed, delete', async (_label, name) => {
      expect([...name]).toHaveLength(255);
      const url = `/manage/event-meta/${project}/${encodeURIComponent(name)}`;
      const put = await call('PUT', url, { description: 'Long name', conversion: true });
      expect({ status: put.statusCode, name: put.json().data?.name }).toEqual({ status: 200, name });
      const list = (await call('GET', `/manage/event-meta?projectId=${project}`)).json().data as { name: string }[];
      expect(list.map((m) => m.name)).toContain(name);
      const deleted = await call('DELETE', url);
      expect(deleted.statusCode).toBe(200);
      expect((await call('DELETE', url)).statusCode).toBe(404);
    });

    it('a name of 256 characters is a 400 from the route (not a 414 from the router)', async () => {
      const res = await call('PUT', `/manage/event-meta/${project}/${'e'.repeat(256)}`, { description: 'Too long' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, error: 'Bad Request' });
    });
  });
});
