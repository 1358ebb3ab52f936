import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { AppModule } from '../../src/app.module';
import { configureApp, createFastifyAdapter } from '../../src/app.setup';
import { type AppConfig, loadConfig } from '../../src/config';
import { IngestService } from '../../src/pipeline';

export interface Credentials {
  id: string;
  secret: string;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  root: Credentials;
  /** The env the app was built from; pass it again to restart on the same stores. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** One chDB data directory per Jest worker process (chDB binds one per process). */
export const CHDB_PATH = join(tmpdir(), `op-test-chdb-${process.pid}`);

/** A PostgreSQL server for the suite's server pass: DATABASE_URL set by .ci/run. */
export const SERVER_DATABASE_URL = process.env.DATABASE_URL;

function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

async function withAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: SERVER_DATABASE_URL });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/**
 * The env of a fresh, isolated app: its own PGlite directory (or its own database on the
 * PostgreSQL server when DATABASE_URL is set), its own ClickHouse database on the worker's
 * chDB directory, and a root client.
 */
export async function freshEnv(overrides: Record<string, string> = {}): Promise<Record<string, string>> {
  const dataDir = join(tmpdir(), uniqueName('op-test'));
  mkdirSync(dataDir, { recursive: true });
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    CHDB_PATH,
    CLICKHOUSE_DATABASE: uniqueName('t'),
    ROOT_CLIENT_ID: randomUUID(),
    ROOT_CLIENT_SECRET: `sec_${randomBytes(12).toString('hex')}`,
    LOG_LEVEL: 'error',
    LOG_FORMAT: 'text',
    ...overrides,
  };
  if (SERVER_DATABASE_URL && !overrides.DATABASE_URL) {
    const db = uniqueName('t');
    await withAdmin((c) => c.query(`CREATE DATABASE ${db}`));
    const url = new URL(SERVER_DATABASE_URL);
    url.pathname = `/${db}`;
    env.DATABASE_URL = url.toString();
  }
  return env;
}

/** Builds the real app (Fastify adapter, real stores, real auth) and makes it ready for inject. */
export async function startApp(env: Record<string, string>): Promise<TestApp> {
  const config = loadConfig(env);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), createFastifyAdapter(config), {
    logger: ['error', 'warn'],
  });
  configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    env,
    root: { id: env.ROOT_CLIENT_ID, secret: env.ROOT_CLIENT_SECRET },
    close: () => app.close(),
  };
}

export async function createTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  return startApp(await freshEnv(overrides));
}

/**
 * The app of a spec file or describe block: built before its tests, closed and its stores
 * dropped after them; `overrides` are env values, as for freshEnv. The object returned is
 * filled in by a beforeAll, so hooks the spec registers after this call find it built. Jest
 * runs afterAll hooks in the same order: a spec that must stop something before the app
 * closes (a browser, open requests, fake timers) keeps its own hooks.
 */
export function useTestApp(overrides: Record<string, string> = {}): TestApp {
  const t = {} as TestApp;
  beforeAll(async () => {
    t.env = await freshEnv(overrides);
    Object.assign(t, await startApp(t.env));
  });
  afterAll(async () => {
    if (t.app) await t.close();
    if (t.env) await disposeEnv(t.env);
  });
  return t;
}

/** Drops what freshEnv made (the server database, the data directory). */
export async function disposeEnv(env: Record<string, string>): Promise<void> {
  if (SERVER_DATABASE_URL && env.DATABASE_URL && env.DATABASE_URL !== SERVER_DATABASE_URL) {
    const db = new URL(env.DATABASE_URL).pathname.slice(1);
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
  }
  rmSync(env.DATA_DIR, { recursive: true, force: true });
}

export function authHeaders(c: Credentials): Record<string, string> {
  return { 'openpanel-client-id': c.id, 'openpanel-client-secret': c.secret };
}

/**
 * Waits until every event the app has acknowledged is visible to queries. Ingestion answers
 * once an event is durable; with the local write-ahead log it reaches ClickHouse a moment
 * later, so a test that reads right after writing calls this first.
 */
export async function drainEvents(t: TestApp): Promise<void> {
  await t.app.get(IngestService).drain();
}
