import { disposeEnv, freshEnv, startApp, type TestApp } from './test-app';

export interface TwoNodes {
  node1: TestApp;
  node2: TestApp;
  stop(): Promise<void>;
}

/**
 * Two API nodes in this process on one PostgreSQL (the server: run on the suite's server pass)
 * and one ClickHouse (the worker's chDB), each with its own data directory and write-ahead log,
 * built from the same env plus `overrides` (REDIS_URL to share state through Redis).
 */
export async function startNodes(overrides: Record<string, string>): Promise<TwoNodes> {
  const env = await freshEnv(overrides);
  const node1 = await startApp(env);
  const node2 = await startApp({ ...env, DATA_DIR: `${env.DATA_DIR}-node2` });
  return {
    node1,
    node2,
    stop: async () => {
      await node1.close();
      await node2.close();
      await disposeEnv(env);
      await disposeEnv({ ...env, DATA_DIR: `${env.DATA_DIR}-node2`, DATABASE_URL: '' });
    },
  };
}
