import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from 'typeorm';

/** Enough of a statement to find it in the code; statements carry placeholders, never values. */
const MAX_QUERY_CHARS = 1000;

/**
 * PostgreSQL quotes the offending value at the end of some messages (`invalid input syntax for
 * type uuid: "…"`, `invalid input value for enum …: "…"`); identifiers it quotes elsewhere stay.
 */
export function withoutQuotedValue(message: string): string {
  return message.replace(/: ".*"$/s, ': "…"');
}

/**
 * TypeORM's console logger prints a failed query with its parameters (profile ids, property
 * values, whatever the caller sent) to stdout. This one logs a failure by its SQLSTATE, the
 * error and the statement, never the parameters nor a value the error quotes, in the
 * service's own log format. Single queries are not logged at all.
 *
 * A warning, not an error: services handle some failures on purpose, and those they do not
 * handle reach the exception filter, which logs them as errors with the request id.
 */
export class ParameterFreeLogger implements Logger {
  private readonly logger = new NestLogger('Database');

  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    const code = typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
    this.logger.warn({
      message: 'query failed',
      code: typeof code === 'string' ? code : undefined,
      error: withoutQuotedValue(typeof error === 'string' ? error : error.message),
      query: query.length > MAX_QUERY_CHARS ? `${query.slice(0, MAX_QUERY_CHARS)}…` : query,
    });
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ message: 'slow query', ms: time, query: query.slice(0, MAX_QUERY_CHARS) });
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(message);
    else this.logger.debug(message);
  }
}
