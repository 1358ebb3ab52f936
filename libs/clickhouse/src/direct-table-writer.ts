import { randomUUID } from 'node:crypto';
import { BaseTableWriter } from './base-table-writer';
import type { Waiter } from './row-text';

/**
 * A writer without a log: requests wait for the insert that carries their rows, and a failed
 * insert fails them (their clients retry).
 */
export class DirectTableWriter<Row extends object> extends BaseTableWriter<Row> {
  private waiting: Waiter[] = [];
  private waitingTotal = 0;
  private oldestSince = 0;

  get bufferedRows(): number {
    return this.waitingTotal;
  }

  get logBytes(): number {
    return 0;
  }

  get waitingRows(): number {
    return this.waitingTotal;
  }

  get waitingSince(): number {
    return this.oldestSince;
  }

  get unsettled(): boolean {
    return this.waitingTotal > 0;
  }

  async start(): Promise<void> {}

  async insertNext(): Promise<void> {
    const batch: Waiter[] = [];
    let rows = 0;
    while (this.waiting.length > 0 && (batch.length === 0 || rows + this.waiting[0].rows.rows <= this.options.flushRows)) {
      const w = this.waiting.shift()!;
      this.waitingTotal -= w.rows.rows;
      batch.push(w);
      rows += w.rows.rows;
    }
    this.oldestSince = this.waiting.length > 0 ? Date.now() : 0;
    if (batch.length === 0) return;
    try {
      // A token of its own: with a deduplication window, ClickHouse would otherwise drop a
      // block whose content equals a recent one, and these rows were never inserted before.
      await this.insert({ body: Buffer.from(batch.map((w) => w.rows.text).join('')), rows, token: `direct:${randomUUID()}` });
    } catch (error) {
      // Nothing was acknowledged: fail these requests so their clients retry.
      for (const w of batch) w.reject(error);
      return;
    }
    for (const w of batch) w.resolve();
  }

  protected accept(waiter: Waiter): void {
    if (this.waiting.length === 0) this.oldestSince = Date.now();
    this.waiting.push(waiter);
    this.waitingTotal += waiter.rows.rows;
    this.scheduler.schedule();
  }

  protected async release(): Promise<void> {}
}
