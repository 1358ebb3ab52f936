import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A postgres:// URL the ordinary `pg` driver connects to. */
  url: string;
  stop(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite keeps one process per data directory: a second process opening it would corrupt
 * it. A pid file next to the directory refuses a second opener while the first is alive;
 * a stale file (the owner crashed) is taken over.
 */
async function takeLock(lockFile: string): Promise<void> {
  const held = await readFile(lockFile, 'utf8').catch(() => undefined);
  const pid = held ? Number.parseInt(held, 10) : NaN;
  if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
    throw new Error(
      `The embedded database in ${dirname(lockFile)} is in use by process ${pid}. Stop it first, or set DATABASE_URL to use a PostgreSQL server.`,
    );
  }
  await writeFile(lockFile, String(process.pid));
}

/**
 * Starts PGlite on `dir` and serves it on a loopback port, so the app reaches it through
 * the same `pg` driver and TypeORM code path as a real server.
 */
export async function startEmbeddedPostgres(dir: string, maxConnections = 10): Promise<EmbeddedPostgres> {
  await mkdir(dir, { recursive: true });
  const lockFile = join(dir, '..', `.${dir.split(/[\\/]/).pop()}.lock`);
  await takeLock(lockFile);
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  const address = server.getServerConn();
  let stopped = false;
  return {
    url: `postgres://postgres@${address}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      await rm(lockFile, { force: true });
    },
  };
}
