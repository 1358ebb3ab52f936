import { createProject } from './setup/fixtures';
import { authHeaders, disposeEnv, drainEvents, freshEnv, startApp } from './setup/test-app';

describe('Restart keeps data (PostgreSQL and ClickHouse)', () => {
  it('a project, its client and its events survive closing and reopening the stores', async () => {
    const env = await freshEnv();
    try {
      const first = await startApp(env);
      const project = await createProject(first, { name: 'Durable' });
      for (let i = 0; i < 3; i++) {
        const res = await first.app.inject({
          method: 'POST',
          url: '/track',
          headers: authHeaders(project.writeClient),
          payload: { type: 'track', payload: { name: 'kept', properties: { i } } },
        });
        expect(res.statusCode).toBe(200);
      }
      await first.close();

      const second = await startApp(env);
      try {
        const got = await second.app.inject({ method: 'GET', url: `/manage/projects/${project.id}`, headers: authHeaders(second.root) });
        expect(got.statusCode).toBe(200);
        expect(got.json().data.name).toBe('Durable');
        // The write client created before the restart still authenticates.
        const more = await second.app.inject({
          method: 'POST',
          url: '/track',
          headers: authHeaders(project.writeClient),
          payload: { type: 'track', payload: { name: 'kept', properties: { i: 3 } } },
        });
        expect(more.statusCode).toBe(200);
        await drainEvents(second);
        const events = await second.app.inject({
          method: 'GET',
          url: `/export/events?projectId=${project.id}`,
          headers: authHeaders(second.root),
        });
        const body = events.json();
        expect(body.meta.totalCount).toBe(4);
        expect(body.data.map((e: { properties: { i: string } }) => e.properties.i).sort()).toEqual(['0', '1', '2', '3']);
      } finally {
        await second.close();
      }
    } finally {
      await disposeEnv(env);
    }
  });
});
