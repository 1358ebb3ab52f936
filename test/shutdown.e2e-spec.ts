import { createProject } from './setup/fixtures';
import { authHeaders, disposeEnv, drainEvents, freshEnv, startApp } from './setup/test-app';

describe('Graceful shutdown', () => {
  it('/healthz/ready turns 503 while the app drains, and what was acknowledged is stored', async () => {
    // Inserts every 10 s at most: at shutdown the event is still only in the log.
    const env = await freshEnv({ INGEST_FLUSH_MS: '10000' });
    try {
      const first = await startApp(env);
      const project = await createProject(first, { name: 'Drain' });
      const sent = await first.app.inject({
        method: 'POST',
        url: '/track',
        headers: authHeaders(project.writeClient),
        payload: { type: 'track', payload: { name: 'before_shutdown' } },
      });
      expect(sent.statusCode).toBe(200);
      expect((await first.app.inject({ method: 'GET', url: '/healthz/ready' })).statusCode).toBe(200);

      const closing = first.close();
      let sawNotReady = false;
      for (let i = 0; i < 200 && !sawNotReady; i++) {
        const res = await first.app.inject({ method: 'GET', url: '/healthz/ready' }).catch(() => undefined);
        if (res?.statusCode === 503) sawNotReady = true;
        else await new Promise((r) => setImmediate(r));
      }
      await closing;
      expect(sawNotReady).toBe(true);

      const second = await startApp(env);
      try {
        await drainEvents(second);
        const res = await second.app.inject({
          method: 'GET',
          url: `/export/events?projectId=${project.id}`,
          headers: authHeaders(second.root),
        });
        expect(res.json().data.map((e: { name: string }) => e.name)).toEqual(['before_shutdown']);
      } finally {
        await second.close();
      }
    } finally {
      await disposeEnv(env);
    }
  });
});
