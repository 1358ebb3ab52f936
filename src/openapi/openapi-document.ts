import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../app.module';
import { loadConfig } from '../config';
import { buildOpenApiDocument } from './openapi';

/** The committed document's path, relative to the repository root, and how to refresh it. */
export const OPENAPI_FILE = 'openapi.json';
export const REGENERATE_COMMAND = 'npm run openapi';

/**
 * The document the server serves, built without serving: the real module graph in Nest's
 * preview mode registers every controller and its metadata but instantiates no provider, so
 * no store is opened, no file written, no port bound. The config is the defaults, not the
 * environment, so the result is the same on every machine.
 */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(loadConfig({})), new FastifyAdapter(), {
    preview: true,
    logger: false,
  });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** The bytes of openapi.json: two-space JSON and a final newline. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
