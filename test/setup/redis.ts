import { connect } from 'node:net';

/** The local Redis the suite uses when present (.ci/run starts it). */
export const REDIS_URL = 'redis://127.0.0.1:6379';

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Whether REDIS_URL answers; in CI a missing Redis fails the spec instead of skipping its tests. */
export async function redisAvailable(): Promise<boolean> {
  const up = await reachable(6379);
  if (!up && process.env.CI) throw new Error('Redis is not reachable on 127.0.0.1:6379; .ci/run starts it');
  return up;
}
