import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createFastifyAdapter } from './app.setup';
import { type AppConfig, loadConfig } from './config';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function createLogger(config: AppConfig): ConsoleLogger {
  const upto = LEVELS.indexOf(config.logLevel);
  return new ConsoleLogger({ json: config.logJson, logLevels: LEVELS.slice(0, upto + 1), colors: !config.logJson });
}

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), createFastifyAdapter(config), { logger });
  configureApp(app);
  app.enableShutdownHooks();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal} received: stopping (requests in flight finish, waiting events are inserted first)`, 'Shutdown');
      // A shutdown that hangs (a store not answering) must still end the process.
      setTimeout(() => {
        logger.error(`shutdown took longer than ${config.shutdownTimeoutMs} ms, exiting`);
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
    });
  }
  await app.listen({ port: config.port, host: config.host });
  logger.log(`listening on http://${config.host}:${config.port} (docs at /docs)`, 'Bootstrap');
}

void bootstrap().catch((e: unknown) => {
  process.stderr.write(`start-up failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
