import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ClickhouseService, TableWriter, WriterClosedError, WriterFullError } from '@app/clickhouse';
import { ApiError, wellFormedJson } from '@app/common';
import { EVENT_ROW_COLUMNS } from '@app/ingest';
import { APP_CONFIG, type AppConfig, dataPath } from '../config';

/** Columns of the ClickHouse `profiles` mirror the profiles service writes. */
export const PROFILE_MIRROR_COLUMNS = ['id', 'project_id', 'first_name', 'last_name', 'email', 'avatar', 'properties', 'groups', 'is_external', 'created_at', 'version'] as const;

/**
 * The two group-commit writers of ingestion: `events` and the `profiles` mirror. They start
 * (replaying the write-ahead log a crash may have left) before the app serves, and flush
 * before the stores close at shutdown.
 */
@Injectable()
export class EventSinkService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventWriter');
  readonly events: TableWriter;
  readonly profiles: TableWriter;

  constructor(
    clickhouse: ClickhouseService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const { wal, flushRows, flushMs, bufferRows } = config.ingest;
    // `name` names the write-ahead log's directory, which stays put whichever table it feeds.
    const make = (name: string, table: string, columns: readonly string[]) =>
      new TableWriter({
        inserter: clickhouse,
        table: clickhouse.table(table),
        columns,
        walDir: wal ? dataPath(config, 'wal', clickhouse.database, name) : undefined,
        flushRows,
        flushMs,
        bufferRows,
        logger: this.logger,
      });
    // The embedded engine takes events through `events_ingest` (ClickHouse migration 0004),
    // which costs it a third less CPU per row than reading text into LowCardinality columns.
    this.events = make('events', clickhouse.embedded ? 'events_ingest' : 'events', EVENT_ROW_COLUMNS);
    this.profiles = make('profiles', 'profiles', PROFILE_MIRROR_COLUMNS);
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.events.start(), this.profiles.start()]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const waiting = this.events.bufferedRows + this.profiles.bufferedRows;
    await Promise.all([this.events.close(), this.profiles.close()]);
    // The line an operator looks for after a stop: nothing acknowledged is left only in memory.
    this.logger.log(`writers closed: ${waiting} waiting rows inserted into ClickHouse before stopping`);
  }

  /** Throws the 503 a full buffer gets before any row is built, when `rows` would not fit. */
  assertRoom(writer: TableWriter, rows: number): void {
    if (!writer.hasRoom(rows)) throw this.unavailable(new WriterFullError(writer.retryAfterSeconds));
  }

  /**
   * Writes rows; resolves once durable. Full buffer → 503 with Retry-After. The rows are
   * serialised before this returns and are not held while the write is under way.
   */
  write<T extends object>(writer: TableWriter, rows: T[]): Promise<void> {
    const columns = writer.columns as readonly (keyof T)[];
    const values = new Array<unknown>(columns.length);
    let text = '';
    for (let i = 0; i < rows.length; i++) {
      for (let c = 0; c < columns.length; c++) values[c] = rows[i][columns[c]];
      text += `${JSON.stringify(values)}\n`;
    }
    return writer.write({ text: wellFormedJson(text), rows: rows.length }).catch((error: unknown) => {
      throw this.unavailable(error);
    });
  }

  private unavailable(error: unknown): ApiError {
    if (error instanceof WriterFullError) {
      return new ApiError('unavailable', 'Ingestion is saturated, retry shortly', undefined, { 'Retry-After': String(error.retryAfterSeconds) });
    }
    if (error instanceof WriterClosedError) {
      return new ApiError('unavailable', 'The server is shutting down, retry shortly', undefined, { 'Retry-After': '1' });
    }
    this.logger.error(`events could not be stored: ${(error as Error).message}`);
    return new ApiError('unavailable', 'Events could not be stored, retry shortly', undefined, { 'Retry-After': '1' });
  }

  async drain(): Promise<void> {
    await Promise.all([this.events.drain(), this.profiles.drain()]);
  }
}
