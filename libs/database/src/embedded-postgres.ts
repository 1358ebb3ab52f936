import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A postgres:// URL the ordinary `pg` driver connects to. */
  url: string;
  /** The process that owns the database, when it is another one (see `attach`). */
  ownerPid?: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  maxConnections?: number;
  /**
   * When a live process already owns the directory, connect to the loopback port it serves
   * the database on (recorded in the lock file) instead of refusing: the CLI uses this to
   * create a client while the server runs.
   */
  attach?: boolean;
}

/**
 * PostgreSQL's default of 128 MB of shared buffers is all resident in PGlite's WebAssembly
 * memory, which never shrinks: an idle server held about 300 MB for the embedded metadata
 * store alone (about 200 MB with this). 32 MB is ample for the clients, projects and
 * profiles of the sites the embedded default serves (the operating system still caches the
 * files); a PostgreSQL server is the answer past that.
 */
const EMBEDDED_POSTGRESQL_CONF = 'shared_buffers = 32MB';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LockHolder {
  pid: number;
  /** Where the holder serves the database; absent in lock files of older versions. */
  url?: string;
}

/** The live process other than this one that holds the lock file, if any. */
async function lockHolder(lockFile: string): Promise<LockHolder | undefined> {
  const held = await readFile(lockFile, 'utf8').catch(() => undefined);
  const [first, url] = (held ?? '').split('\n');
  const pid = Number.parseInt(first, 10);
  if (!Number.isInteger(pid) || pid === process.pid || !isAlive(pid)) return undefined;
  return { pid, url: url?.startsWith('postgres://') ? url : undefined };
}

function inUse(lockFile: string, pid: number): Error {
  return new Error(
    `The embedded database in ${dirname(lockFile)} is in use by process ${pid}. Stop it first, or set DATABASE_URL to use a PostgreSQL server.`,
  );
}

/**
 * PGlite keeps one process per data directory: a second process opening it would corrupt
 * it. A lock file next to the directory (the owner's pid, then the URL it serves the database
 * on) refuses a second opener while the first is alive; a stale file (the owner crashed) is
 * taken over.
 */
async function takeLock(lockFile: string): Promise<void> {
  const holder = await lockHolder(lockFile);
  if (holder) throw inUse(lockFile, holder.pid);
  await writeFile(lockFile, String(process.pid));
}

/**
 * Starts PGlite on `dir` and serves it on a loopback port, so the app reaches it through
 * the same `pg` driver and TypeORM code path as a real server.
 */
export async function startEmbeddedPostgres(dir: string, options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  await mkdir(dir, { recursive: true });
  const lockFile = join(dir, '..', `.${dir.split(/[\\/]/).pop()}.lock`);
  if (options.attach) {
    const holder = await lockHolder(lockFile);
    if (holder && !holder.url) throw inUse(lockFile, holder.pid);
    if (holder) return { url: holder.url!, ownerPid: holder.pid, stop: async () => undefined };
  }
  await takeLock(lockFile);
  const db = await PGlite.create(dir, { postgresqlconf: EMBEDDED_POSTGRESQL_CONF });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: options.maxConnections ?? 10 });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  await writeFile(lockFile, `${process.pid}\n${url}\n`);
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      await rm(lockFile, { force: true });
    },
  };
}
