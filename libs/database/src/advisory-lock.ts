import type { DataSource } from 'typeorm';

/**
 * Runs `work` holding the PostgreSQL advisory lock `key` on a connection of its own, or
 * answers `skipped` at once when another node holds it. The lock belongs to the connection,
 * so a node that dies releases it. Every API node shares the database: this is how periodic
 * work runs on one node at a time.
 */
export function withTryAdvisoryLock<T>(dataSource: DataSource, key: number, work: () => Promise<T>, skipped: T): Promise<T> {
  return locked(dataSource, key, false, work, skipped);
}

/** Runs `work` holding the advisory lock `key`, waiting for another node to release it first. */
export function withAdvisoryLock<T>(dataSource: DataSource, key: number, work: () => Promise<T>): Promise<T> {
  return locked(dataSource, key, true, work, undefined as T);
}

async function locked<T>(dataSource: DataSource, key: number, wait: boolean, work: () => Promise<T>, skipped: T): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    if (wait) await runner.query('SELECT pg_advisory_lock($1)', [key]);
    else {
      const [row] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [key])) as { locked: boolean }[];
      if (!row?.locked) return skipped;
    }
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}
