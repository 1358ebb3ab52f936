import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ClickhouseService, createTableWriter, type TableWriter, WriterClosedError, WriterFullError } from '@app/clickhouse';
import { ApiError } from '@app/common';
import { EVENT_ROW_COLUMNS, type EventRow } from '@app/ingest';
import { APP_CONFIG, type AppConfig, dataPath } from '../config';
import { PROFILE_MIRROR_COLUMNS, type ProfileMirrorRow } from './profile-mirror-row';

/**
 * The two group-commit writers of ingestion: `events` and the `profiles` mirror. They start
 * (replaying the write-ahead log a crash may have left) before the app serves, and flush
 * before the stores close at shutdown. A write that cannot be stored becomes a 503.
 */
@Injectable()
export class IngestWriters implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('IngestWriters');
  readonly events: TableWriter<EventRow>;
  readonly profiles: TableWriter<ProfileMirrorRow>;

  constructor(clickhouse: ClickhouseService, @Inject(APP_CONFIG) config: AppConfig) {
    const { wal, flushRows, flushMs, bufferRows } = config.ingest;
    // `name` names the write-ahead log's directory, which stays put whichever table it feeds.
    const common = (name: string) => ({
      inserter: clickhouse,
      walDir: wal ? dataPath(config, 'wal', clickhouse.database, name) : undefined,
      flushRows,
      flushMs,
      bufferRows,
      logger: this.logger,
    });
    this.events = createTableWriter({ ...common('events'), table: clickhouse.eventsInsertTable, columns: EVENT_ROW_COLUMNS });
    this.profiles = createTableWriter({ ...common('profiles'), table: clickhouse.table('profiles'), columns: PROFILE_MIRROR_COLUMNS });
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

  /** Throws the 503 a full buffer gets before any event is built, when `rows` would not fit. */
  assertRoomForEvents(rows: number): void {
    if (!this.events.hasRoom(rows)) throw this.unavailable(new WriterFullError(this.events.retryAfterSeconds));
  }

  /**
   * Writes event rows; resolves once durable. Full buffer → 503 with Retry-After. The rows are
   * serialised before this returns and are not held while the write is under way.
   */
  writeEvents(rows: readonly EventRow[]): Promise<void> {
    return this.write(this.events, rows);
  }

  /** Writes profile mirror rows, as `writeEvents` does. */
  writeProfiles(rows: readonly ProfileMirrorRow[]): Promise<void> {
    return this.write(this.profiles, rows);
  }

  async drain(): Promise<void> {
    await Promise.all([this.events.drain(), this.profiles.drain()]);
  }

  private write<Row extends object>(writer: TableWriter<Row>, rows: readonly Row[]): Promise<void> {
    return writer.write(rows).catch((error: unknown) => {
      throw this.unavailable(error);
    });
  }

  private unavailable(error: unknown): ApiError {
    if (error instanceof WriterFullError) {
      return new ApiError('unavailable', 'Ingestion is saturated, retry shortly', undefined, {
        'Retry-After': String(error.retryAfterSeconds),
      });
    }
    if (error instanceof WriterClosedError) {
      return new ApiError('unavailable', 'The server is shutting down, retry shortly', undefined, { 'Retry-After': '1' });
    }
    this.logger.error(`events could not be stored: ${(error as Error).message}`);
    return new ApiError('unavailable', 'Events could not be stored, retry shortly', undefined, { 'Retry-After': '1' });
  }
}
