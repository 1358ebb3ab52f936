/** What a writer has waiting for ClickHouse, as the scheduler sees it. */
export interface InsertQueue {
  /** Rows ready for an insert. */
  readonly waitingRows: number;
  /** When the oldest of them began to wait, epoch ms. */
  readonly waitingSince: number;
  /** Rows accepted and not yet in ClickHouse, or work under way that will make some ready. */
  readonly unsettled: boolean;
  /** Inserts at most `flushRows` of the waiting rows; rejects when the insert failed. */
  insertNext(): Promise<void>;
}

export interface InsertSchedulerOptions {
  /** `db.table`, for log messages. */
  table: string;
  flushRows: number;
  flushMs: number;
  logger?: { warn(message: string): void };
}

const MAX_BACKOFF_MS = 30_000;

/**
 * When a writer inserts: as soon as `flushRows` rows wait, when the oldest has waited
 * `flushMs`, at once while someone drains; one insert at a time, and after a failed insert
 * not before a backoff that doubles up to 30 s.
 */
export class InsertScheduler {
  private inserting = false;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 0;
  private draining = 0;
  private readonly progressWaiters = new Set<() => void>();

  constructor(
    private readonly queue: InsertQueue,
    private readonly options: InsertSchedulerOptions,
  ) {}

  /** Seconds a refused caller should wait before retrying. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.options.flushMs + this.backoffMs) / 1000));
  }

  /** Starts an insert now, or sets the timer for when one is due. */
  schedule(): void {
    if (this.inserting) return;
    const waiting = this.queue.waitingRows;
    if (waiting === 0) return;
    const full = waiting >= this.options.flushRows;
    const delay =
      this.backoffMs > 0
        ? this.backoffMs
        : full || this.draining > 0
          ? 0
          : Math.max(0, this.queue.waitingSince + this.options.flushMs - Date.now());
    if (this.timer) {
      if (delay > 0) return;
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (delay === 0) {
      void this.insert();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.insert();
    }, delay);
    this.timer.unref?.();
  }

  /** Something changed (rows became ready, an insert ended): wakes `drain` and reschedules. */
  changed(): void {
    this.schedule();
    this.notifyProgress();
  }

  /** Resolves once every accepted row is in ClickHouse (inserts start at once meanwhile). */
  async drain(): Promise<void> {
    this.draining++;
    try {
      while (this.queue.unsettled || this.inserting) {
        const progressed = new Promise<void>((resolve) => this.progressWaiters.add(resolve));
        this.schedule();
        await progressed;
      }
    } finally {
      this.draining--;
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private notifyProgress(): void {
    const waiters = [...this.progressWaiters];
    this.progressWaiters.clear();
    for (const w of waiters) w();
  }

  private async insert(): Promise<void> {
    if (this.inserting) return;
    this.inserting = true;
    try {
      await this.queue.insertNext();
      this.backoffMs = 0;
    } catch (error) {
      this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(250, this.backoffMs * 2));
      this.options.logger?.warn(`insert into ${this.options.table} failed, retrying in ${this.backoffMs} ms: ${(error as Error).message}`);
    } finally {
      this.inserting = false;
      this.notifyProgress();
      this.schedule();
    }
  }
}
