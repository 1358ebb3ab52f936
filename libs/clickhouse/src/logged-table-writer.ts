import { BaseTableWriter } from './base-table-writer';
import type { Waiter } from './row-text';
import type { TableWriterOptions } from './table-writer';
import { WriteAheadLog } from './wal/write-ahead-log';

/**
 * A writer that acknowledges rows once they are fsync'ed to its write-ahead log, and inserts
 * them from there in the background. Each insert is a range of one segment and carries
 * `insert_deduplication_token = segment:from:to`, announced in the segment's checkpoint
 * before the insert, so a crash at any point replays exactly the same range and ClickHouse
 * drops the copy (tables need a deduplication window, see migration 0003). Inserts are thus
 * few and large (one per `flushMs` or `flushRows`) instead of one per concurrent burst,
 * without giving up "acknowledged means stored".
 */
export class LoggedTableWriter<Row extends object> extends BaseTableWriter<Row> {
  private readonly log: WriteAheadLog;

  constructor(options: TableWriterOptions<Row>, walDir: string) {
    super(options);
    this.log = new WriteAheadLog({
      dir: walDir,
      table: options.table,
      logger: options.logger,
      changed: () => this.scheduler.changed(),
      synced: (seconds) => this.observer?.synced(seconds),
    });
  }

  get bufferedRows(): number {
    return this.log.bufferedRows;
  }

  get logBytes(): number {
    return this.log.bytes;
  }

  get waitingRows(): number {
    return this.log.pendingRows;
  }

  get waitingSince(): number {
    return this.log.pendingSince;
  }

  get unsettled(): boolean {
    return this.log.bufferedRows > 0 || this.log.busy;
  }

  async start(): Promise<void> {
    await this.log.replay((range) => this.insert(range));
    if (this.log.pendingRows > 0) this.scheduler.schedule();
  }

  async insertNext(): Promise<void> {
    const range = this.log.startInsert(this.options.flushRows);
    if (!range) return;
    try {
      await this.insert(range);
    } catch (error) {
      this.log.insertFailed();
      throw error;
    }
    await this.log.inserted();
  }

  protected accept(waiter: Waiter): void {
    this.log.accept(waiter);
  }

  protected release(): Promise<void> {
    return this.log.close();
  }
}
