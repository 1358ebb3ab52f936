import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../src/app.module';
import { configureApp, createFastifyAdapter } from '../src/app.setup';
import { loadConfig } from '../src/config';

export interface BenchApp {
  app: NestFastifyApplication;
  /** The base URL the app listens on (a free port of 127.0.0.1). */
  base: string;
  /** The root client's credential headers. */
  headers: Record<string, string>;
}

/**
 * The real app in this process, as the benches time it: `env` on top of the defaults a user
 * gets, a root client `root`, listening on a real port.
 */
export async function startBenchApp(env: Record<string, string>, root: { id: string; secret: string }): Promise<BenchApp> {
  const config = loadConfig({ ...env, ROOT_CLIENT_ID: root.id, ROOT_CLIENT_SECRET: root.secret, LOG_LEVEL: 'warn', LOG_FORMAT: 'text' });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), createFastifyAdapter(config), {
    logger: ['error', 'warn'],
  });
  configureApp(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base: await app.getUrl(), headers: { 'openpanel-client-id': root.id, 'openpanel-client-secret': root.secret } };
}

/** Creates the bench project (timezone UTC) through the Manage API; answers its id. */
export async function createBenchProject(base: string, headers: Record<string, string>): Promise<string> {
  const created = await fetch(`${base}/manage/projects`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench', timezone: 'UTC' }),
  });
  return ((await created.json()) as { data: { id: string } }).data.id;
}
