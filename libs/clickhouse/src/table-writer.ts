/** Where the writer's inserts go: `ClickhouseService` on either engine. */
export interface RowInserter {
  /**
   * Inserts rows serialised as JSONCompactEachRow (one JSON array a line, `columns` order).
   * The same `token` on a repeated call makes ClickHouse drop the repeat.
   */
  insertCompactRows(table: string, columns: readonly string[], body: Buffer, token: string): Promise<void>;
}

/**
 * What a writer reports as it works, for metrics. Called once per sync and per insert (never
 * per row), so an observer may be anything cheap; the writer works the same without one.
 */
export interface WriterObserver {
  /** An fdatasync of the write-ahead log ended (successfully or not), after `seconds`. */
  synced(seconds: number): void;
  /** An insert of `rows` rows into ClickHouse returned, after `seconds`. */
  inserted(rows: number, seconds: number): void;
  /** An insert failed (it is retried, or its requests fail without the log). */
  insertFailed(): void;
}

export interface TableWriterOptions<Row extends object> {
  inserter: RowInserter;
  /** `db.table`, from code (never from requests). */
  table: string;
  /**
   * The columns of each row, in the order they are serialised: rows are JSON arrays
   * (JSONCompactEachRow), which the engine parses faster than objects and which halve the log.
   */
  columns: readonly (keyof Row & string)[];
  /**
   * Directory of this table's write-ahead log. Set: `write` resolves once the rows are
   * fsync'ed there and they reach ClickHouse in background inserts. Unset: `write` resolves
   * once the insert carrying its rows returns.
   */
  walDir?: string;
  /** Rows per insert at most; an insert starts as soon as this many wait. */
  flushRows: number;
  /** The longest a waiting row waits before an insert starts anyway (0: whenever idle). */
  flushMs: number;
  /** Rows accepted but not yet inserted, at most; `write` refuses beyond (WriterFullError). */
  bufferRows: number;
  logger?: { log(message: string): void; warn(message: string): void; error(message: string): void };
}

/**
 * Group commit into one ClickHouse table. Concurrent requests hand in rows; rows are
 * inserted in large batches (one per `flushMs` or `flushRows`) and each request's promise
 * settles only when its rows are durable: in the write-ahead log (LoggedTableWriter), or in
 * ClickHouse (DirectTableWriter). `createTableWriter` picks one by `walDir`.
 */
export interface TableWriter<Row extends object> {
  readonly columns: readonly (keyof Row & string)[];
  /** Rows accepted and not yet in ClickHouse. */
  readonly bufferedRows: number;
  /** Bytes in the write-ahead log's files (0 without the log). */
  readonly logBytes: number;
  /** Seconds a refused caller should wait before retrying. */
  readonly retryAfterSeconds: number;
  /**
   * Whether `rows` more would be accepted now; callers check before costly work, so that an
   * overloaded node refuses at once instead of enriching events it then has to refuse.
   */
  hasRoom(rows: number): boolean;
  /** Reports syncs and inserts to `observer` from now on. */
  observe(observer: WriterObserver): void;
  /** Replays what an earlier process left in the log; call once before `write`. */
  start(): Promise<void>;
  /**
   * Accepts rows; resolves once durable. They are serialised before this returns and are not
   * held while the write is under way. Rejects with WriterFullError or WriterClosedError.
   */
  write(rows: readonly Row[]): Promise<void>;
  /** Resolves once every accepted row is in ClickHouse (inserts start at once meanwhile). */
  drain(): Promise<void>;
  /** Stops accepting, inserts what is buffered, closes the log. */
  close(): Promise<void>;
}

/** The buffer is full: the caller answers 503 with Retry-After and the client retries. */
export class WriterFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('The ingestion buffer is full');
    this.name = 'WriterFullError';
  }
}

/** The writer is closing: nothing more is accepted. */
export class WriterClosedError extends Error {
  constructor() {
    super('The writer is shutting down');
    this.name = 'WriterClosedError';
  }
}
