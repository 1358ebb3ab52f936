import { createProject } from './setup/fixtures';
import { storedEvents, USER_AGENTS } from './setup/stores';
import { authHeaders, useTestApp } from './setup/test-app';

/**
 * A lone UTF-16 surrogate in any string of an event (JSON lets a sender write `\ud800`): the
 * insert that carried it used to fail, forever, and every event acknowledged after it waited
 * behind it (queries never saw them).
 */
describe('A lone surrogate in an event', () => {
  const t = useTestApp();

  it('is stored as U+FFFD, and the events after it reach the store', async () => {
    const site = await createProject(t, { name: 'Surrogates' });
    const headers = { ...authHeaders(site.writeClient), 'content-type': 'application/json', 'user-agent': USER_AGENTS.chrome };
    for (const v of ['a\ud800b', 'b\udc00', 'a literal \\ud800', 'after']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/track',
        headers,
        payload: JSON.stringify({ type: 'track', payload: { name: v, properties: { v } } }),
      });
      expect(res.statusCode).toBe(200);
    }
    const rows = await Promise.race([
      storedEvents(t, site.id),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('events never reached ClickHouse')), 20_000)),
    ]);
    expect(rows.map((r) => [r.name, r.properties.v]).sort()).toEqual(
      [
        ['a\ufffdb', 'a\ufffdb'],
        ['b\ufffd', 'b\ufffd'],
        ['a literal \\ud800', 'a literal \\ud800'],
        ['after', 'after'],
      ].sort(),
    );
  });
});
