import { createClient, createProject } from './setup/fixtures';
import { startNodes, type TwoNodes } from './setup/nodes';
import { REDIS_URL, redisAvailable } from './setup/redis';
import { authHeaders, type Credentials, createTestApp, disposeEnv, SERVER_DATABASE_URL, type TestApp } from './setup/test-app';

/** Long enough that only an announcement, not the cache's expiry, can make a node forget. */
const LONG_TTL = { AUTH_CACHE_TTL_MS: '600000' };

const read = (node: TestApp, projectId: string, c: Credentials) =>
  node.app.inject({ method: 'GET', url: `/export/events?projectId=${projectId}`, headers: authHeaders(c) });

/** The status `node` answers `c` with, polled for up to a second while it is `from`. */
async function settled(node: TestApp, projectId: string, c: Credentials, from: number): Promise<number> {
  let status = (await read(node, projectId, c)).statusCode;
  for (let i = 0; i < 20 && status === from; i++) {
    await new Promise((r) => setTimeout(r, 50));
    status = (await read(node, projectId, c)).statusCode;
  }
  return status;
}

describe('a client deleted on one node is refused by every node (REDIS_URL)', () => {
  let redisUp = false;
  beforeAll(async () => {
    redisUp = await redisAvailable();
  });

  // Two nodes must share PostgreSQL: the server pass.
  const twoNodes = SERVER_DATABASE_URL ? it : it.skip;

  /** Node 2 serves a read client (and caches it); node 1 deletes it. */
  async function deleteOnOne({ node1, node2 }: TwoNodes): Promise<{ projectId: string; reader: Credentials }> {
    const p = await createProject(node1, { name: 'Revocation' });
    const reader = await createClient(node1, { name: 'reader', mode: 'read', projectId: p.id });
    expect((await read(node2, p.id, reader)).statusCode).toBe(200);
    expect((await read(node1, p.id, reader)).statusCode).toBe(200);
    const del = await node1.app.inject({ method: 'DELETE', url: `/manage/clients/${reader.id}`, headers: authHeaders(node1.root) });
    expect(del.statusCode).toBe(200);
    expect((await read(node1, p.id, reader)).statusCode).toBe(401);
    return { projectId: p.id, reader };
  }

  twoNodes('with Redis, the other node refuses it on its next request', async () => {
    if (!redisUp) return;
    const nodes = await startNodes({ REDIS_URL, ...LONG_TTL });
    try {
      const { projectId, reader } = await deleteOnOne(nodes);
      expect(await settled(nodes.node2, projectId, reader, 200)).toBe(401);
    } finally {
      await nodes.stop();
    }
  });

  twoNodes('without Redis, the other node serves it from its cache until AUTH_CACHE_TTL_MS (what the test above rules out)', async () => {
    const nodes = await startNodes(LONG_TTL);
    try {
      const { projectId, reader } = await deleteOnOne(nodes);
      expect(await settled(nodes.node2, projectId, reader, 200)).toBe(200);
    } finally {
      await nodes.stop();
    }
  });

  it('with Redis down, the node that deletes a client refuses it at once and keeps serving', async () => {
    const t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1', ...LONG_TTL });
    try {
      const p = await createProject(t, { name: 'Revocation, Redis down' });
      const reader = await createClient(t, { name: 'reader', mode: 'read', projectId: p.id });
      expect((await read(t, p.id, reader)).statusCode).toBe(200);
      const del = await t.app.inject({ method: 'DELETE', url: `/manage/clients/${reader.id}`, headers: authHeaders(t.root) });
      expect(del.statusCode).toBe(200);
      expect((await read(t, p.id, reader)).statusCode).toBe(401);
      expect((await read(t, p.id, t.root)).statusCode).toBe(200);
    } finally {
      await t.close();
      await disposeEnv(t.env);
    }
  });
});
