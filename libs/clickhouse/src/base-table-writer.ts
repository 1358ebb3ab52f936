import { InsertScheduler, type InsertQueue } from './insert-scheduler';
import { serialiseRows, type Waiter } from './row-text';
import { type TableWriter, type TableWriterOptions, WriterClosedError, WriterFullError, type WriterObserver } from './table-writer';
import type { LogRange } from './wal/write-ahead-log';

/** What both writers share: accepting and refusing rows, the schedule of inserts, the insert itself. */
export abstract class BaseTableWriter<Row extends object> implements TableWriter<Row>, InsertQueue {
  protected readonly scheduler: InsertScheduler;
  protected observer: WriterObserver | undefined;
  private closed = false;

  constructor(protected readonly options: TableWriterOptions<Row>) {
    this.scheduler = new InsertScheduler(this, options);
  }

  abstract get bufferedRows(): number;
  abstract get logBytes(): number;
  abstract get waitingRows(): number;
  abstract get waitingSince(): number;
  abstract get unsettled(): boolean;
  abstract start(): Promise<void>;
  abstract insertNext(): Promise<void>;
  /** Takes a request's rows, serialised; settles `waiter` once they are durable. */
  protected abstract accept(waiter: Waiter): void;
  /** Releases what the writer holds once everything is inserted. */
  protected abstract release(): Promise<void>;

  get columns(): readonly (keyof Row & string)[] {
    return this.options.columns;
  }

  get retryAfterSeconds(): number {
    return this.scheduler.retryAfterSeconds;
  }

  hasRoom(rows: number): boolean {
    return this.bufferedRows + rows <= this.options.bufferRows;
  }

  observe(observer: WriterObserver): void {
    this.observer = observer;
  }

  write(rows: readonly Row[]): Promise<void> {
    if (this.closed) return Promise.reject(new WriterClosedError());
    if (rows.length === 0) return Promise.resolve();
    if (!this.hasRoom(rows.length)) return Promise.reject(new WriterFullError(this.retryAfterSeconds));
    const text = serialiseRows(rows, this.options.columns);
    return new Promise<void>((resolve, reject) => this.accept({ rows: text, resolve, reject }));
  }

  drain(): Promise<void> {
    return this.scheduler.drain();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
    this.scheduler.stop();
    await this.release();
  }

  protected async insert(range: LogRange): Promise<void> {
    const started = performance.now();
    try {
      await this.options.inserter.insertCompactRows(this.options.table, this.options.columns, range.body, range.token);
    } catch (error) {
      this.observer?.insertFailed();
      throw error;
    }
    this.observer?.inserted(range.rows, (performance.now() - started) / 1000);
  }
}
