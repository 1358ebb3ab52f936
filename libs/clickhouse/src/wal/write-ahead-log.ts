/*
 * The write-ahead log of one table: a request's rows are durable here before it is answered,
 * and leave the log once ClickHouse has them. Terms used by the writer and its log:
 *
 * - segment: one log file, `<name>.wal`. Its rows are JSONCompactEachRow lines counted from 0,
 *   so a range of rows is a range of lines; an insert takes one range of one segment.
 * - slab: a large buffer appends are encoded into. It also holds the rows in memory until they
 *   are inserted, so an insert is a view of one slab, never a concatenation of appends.
 * - append: one event-loop turn's rows, written to the active segment by one call. Rows
 *   accepted and not yet appended are unwritten; appended and not yet synced, unsynced.
 * - synced: made durable by an fdatasync. A request is answered once its append is synced.
 * - pending: synced and not yet inserted; in memory as chunks (views of slabs).
 * - checkpoint: a segment's record, `<name>.ckpt`, of how many of its lines are inserted and of
 *   the insert under way, so that a replay repeats exactly that range with the same token.
 * - sealed: a segment that takes no more appends (it is full, or an append or a sync on it
 *   failed); it is closed once its last append is synced, removed once all of it is inserted.
 * - replay: on start, the pending rows an earlier process left are read back and inserted.
 */
import { fdatasync, writeSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import type { Waiter } from '../row-text';
import { offsetAfterLines, SEGMENT_SUFFIX } from './write-ahead-log-format';
import {
  addPending,
  appendCheckpoint,
  closeCheckpoint,
  closeSegmentFile,
  createSegment,
  dropInserted,
  removeSegmentFiles,
  replaySegment,
  type LogRange,
  type RowChunk,
  type Segment,
  SlabEncoder,
  tokenOf,
} from './write-ahead-log-segment';

/** Appends written to a segment's file, waiting for the fdatasync that makes them durable. */
interface Append {
  /** Order of appends, across segments. */
  seq: number;
  segment: Segment;
  waiters: Waiter[];
  body: Buffer;
  rows: number;
}

/** The insert under way: lines `[from, to)` of `segment`, the first rows of `chunk`. */
interface InsertUnderWay {
  segment: Segment;
  chunk: RowChunk;
  from: number;
  to: number;
  bytes: number;
}

export type { LogRange } from './write-ahead-log-segment';

export interface WriteAheadLogOptions {
  dir: string;
  /** Names the table in log messages. */
  table: string;
  logger?: { log(message: string): void; error(message: string): void };
  /** Appends were synced or failed: pending rows or waiting requests may have changed. */
  changed(): void;
  /** An fdatasync ended (successfully or not), after `seconds`. */
  synced(seconds: number): void;
}

const SEGMENT_BYTES = 64 * 1024 * 1024;
/** Rows waiting for the log that are appended at once rather than at the end of the turn. */
const EAGER_APPEND_ROWS = 5_000;
/** fdatasyncs of the log under way at once; libuv's pool (4 threads) also serves the inserts. */
const MAX_SYNCS = 2;

export class WriteAheadLog {
  private readonly segments: Segment[] = [];
  private active: Segment | undefined;
  /** Waiting for this turn's append. */
  private unwritten: Waiter[] = [];
  private unwrittenRows = 0;
  private appendScheduled = false;
  /** Appended, waiting for a sync; in append order. */
  private unsynced: Append[] = [];
  private unsyncedRows = 0;
  private syncsInFlight = 0;
  private appendSeq = 0;
  /** The last append that a sync already started covers. */
  private coveredSeq = 0;
  private readonly slab = new SlabEncoder();
  private pendingTotal = 0;
  private oldestPendingSince = 0;
  /** No rows are added to its chunk meanwhile. */
  private inserting: InsertUnderWay | undefined;

  constructor(private readonly options: WriteAheadLogOptions) {}

  /** Bytes in the log's files. */
  get bytes(): number {
    let bytes = 0;
    for (const segment of this.segments) bytes += segment.bytes;
    return bytes;
  }

  /** Rows synced and not yet inserted. */
  get pendingRows(): number {
    return this.pendingTotal;
  }

  /** When the oldest pending rows were synced (or replayed), epoch ms; 0 when none are. */
  get pendingSince(): number {
    return this.oldestPendingSince;
  }

  /** Rows accepted and not yet inserted: pending, or on their way to a sync. */
  get bufferedRows(): number {
    return this.pendingTotal + this.unwrittenRows + this.unsyncedRows;
  }

  /** An append or a sync is still to happen. */
  get busy(): boolean {
    return this.appendScheduled || this.syncsInFlight > 0;
  }

  /** Reads back what an earlier process left; an insert it had under way is repeated first. */
  async replay(insert: (range: LogRange) => Promise<void>): Promise<void> {
    const dir = this.options.dir;
    await mkdir(dir, { recursive: true });
    const names = (await readdir(dir)).filter((f) => f.endsWith(SEGMENT_SUFFIX)).sort();
    for (const file of names) {
      const segment = await replaySegment(dir, file, insert);
      if (!segment) continue;
      this.segments.push(segment);
      this.pendingTotal += segment.pendingRows;
      this.options.logger?.log(`replaying ${segment.pendingRows} rows of ${this.options.table} from ${file}`);
    }
    if (this.pendingTotal > 0) this.oldestPendingSince = Date.now();
  }

  /** Takes a request's rows; it is answered once they are synced. */
  accept(waiter: Waiter): void {
    this.unwritten.push(waiter);
    this.unwrittenRows += waiter.rows.rows;
    // A busy turn can run for a long while (every request whose body arrived is handled
    // before the check phase): once enough rows wait, they are appended at once, so their
    // sync starts without waiting for the end of the turn.
    if (this.unwrittenRows >= EAGER_APPEND_ROWS) {
      this.appendUnwritten();
      return;
    }
    if (!this.appendScheduled) {
      this.appendScheduled = true;
      setImmediate(() => {
        this.appendScheduled = false;
        this.appendUnwritten();
      });
    }
  }

  /**
   * The next range to insert, at most `maxRows` of the first pending chunk (the same range
   * again after a failed insert, since the chunk can only have grown), announced durably in
   * the segment's checkpoint; undefined when nothing is pending. One insert at a time.
   */
  startInsert(maxRows: number): LogRange | undefined {
    const segment = this.segments.find((s) => s.pendingRows > 0);
    if (!segment) return undefined;
    const from = segment.inserted;
    const chunk = segment.pending[0];
    const to = segment.retryTo ?? from + Math.min(chunk.rows, maxRows);
    const rows = to - from;
    segment.retryTo = to;
    appendCheckpoint(this.options.dir, segment, { inserted: from, inflight: [from, to] }, true);
    const body = rows >= chunk.rows ? chunk.body : chunk.body.subarray(0, offsetAfterLines(chunk.body, rows));
    this.inserting = { segment, chunk, from, to, bytes: body.length };
    return { body, rows, token: tokenOf(segment, from, to) };
  }

  /** The insert failed: its range stays pending, to be retried as it is. */
  insertFailed(): void {
    this.inserting = undefined;
  }

  /** The insert returned: its rows leave the log. */
  async inserted(): Promise<void> {
    const { segment, from, to, bytes } = this.inserting!;
    this.inserting = undefined;
    dropInserted(segment, to, bytes);
    this.pendingTotal -= to - from;
    // The next insert is due when the oldest rows left have waited `flushMs` since they came
    // (not since this insert ended), so no row waits much longer than the interval.
    this.oldestPendingSince = this.pendingTotal > 0 ? this.firstPendingSince() : 0;
    if (segment.pendingRows === 0 && segment.unsyncedRows === 0 && segment !== this.active) await this.removeSegment(segment);
    else appendCheckpoint(this.options.dir, segment, { inserted: to }, false);
  }

  /** Closes the files; an empty active segment is removed (once everything was inserted). */
  async close(): Promise<void> {
    for (const segment of this.segments) {
      closeSegmentFile(segment);
      closeCheckpoint(segment);
    }
    if (this.active && this.active.pendingRows === 0) await this.removeSegment(this.active);
    this.segments.length = 0;
    this.active = undefined;
  }

  /*
   * Appends are written synchronously, once per event-loop turn for every request of that
   * turn: a write into the page cache takes microseconds, a round trip through libuv's pool
   * takes milliseconds under load. The fdatasyncs run in the pool (see syncNext).
   */
  private appendUnwritten(): void {
    if (this.unwritten.length === 0) return;
    const waiters = this.unwritten;
    const rows = this.unwrittenRows;
    this.unwritten = [];
    this.unwrittenRows = 0;
    const body = this.slab.encode(waiters);
    let segment: Segment | undefined;
    try {
      segment = this.activeSegment(body.length);
      for (let at = 0; at < body.length;) at += writeSync(segment.fd!, body, at, body.length - at);
    } catch (error) {
      // The file may now end in a partial append: what follows goes to a new file, and only
      // these requests fail (the appends before this one are intact and sync as usual).
      this.options.logger?.error(`write-ahead log append failed: ${(error as Error).message}`);
      if (segment) this.seal(segment);
      for (const w of waiters) w.reject(error);
      this.options.changed();
      return;
    }
    segment.bytes += body.length;
    segment.unsyncedRows += rows;
    this.unsynced.push({ seq: ++this.appendSeq, segment, waiters, body, rows });
    this.unsyncedRows += rows;
    this.syncNext();
  }

  /**
   * Starts syncs for appends no running sync covers, up to MAX_SYNCS at a time: a request
   * that arrives while one sync runs need not wait for it to end before its own starts. A
   * sync makes durable everything written to its file before it started, so whichever ends
   * first acknowledges all of those.
   */
  private syncNext(): void {
    while (this.syncsInFlight < MAX_SYNCS) {
      const from = this.unsynced.findIndex((a) => a.seq > this.coveredSeq);
      if (from < 0) return;
      const segment = this.unsynced[from].segment;
      let to = from;
      while (to + 1 < this.unsynced.length && this.unsynced[to + 1].segment === segment) to++;
      const watermark = this.unsynced[to].seq;
      this.coveredSeq = watermark;
      this.syncsInFlight++;
      segment.syncsInFlight++;
      const started = performance.now();
      fdatasync(segment.fd!, (error) => {
        this.options.synced((performance.now() - started) / 1000);
        this.syncsInFlight--;
        segment.syncsInFlight--;
        if (error) this.syncFailed(segment, error);
        else
          this.synced(
            segment,
            this.takeUnsynced((a) => a.segment === segment && a.seq <= watermark),
          );
        if (segment !== this.active && segment.unsyncedRows === 0 && segment.syncsInFlight === 0) closeSegmentFile(segment);
        this.syncNext();
        this.options.changed();
      });
    }
  }

  /** Removes and returns the unsynced appends that match, in order. */
  private takeUnsynced(match: (a: Append) => boolean): Append[] {
    const taken = this.unsynced.filter(match);
    if (taken.length > 0) this.unsynced = this.unsynced.filter((a) => !match(a));
    return taken;
  }

  private synced(segment: Segment, appends: Append[]): void {
    for (const a of appends) {
      segment.unsyncedRows -= a.rows;
      this.unsyncedRows -= a.rows;
      addPending(segment, a.body, a.rows, this.inserting?.chunk);
      if (this.pendingTotal === 0) this.oldestPendingSince = Date.now();
      this.pendingTotal += a.rows;
      for (const w of a.waiters) w.resolve();
    }
  }

  /**
   * The file's durable content is unknown past the last good sync: fail these appends and the
   * later ones in the same file, and seal the file (its acknowledged lines stay a prefix of
   * it, as replay and the checkpoints count them).
   */
  private syncFailed(segment: Segment, error: Error): void {
    this.options.logger?.error(`write-ahead log sync failed: ${error.message}`);
    for (const a of this.takeUnsynced((x) => x.segment === segment)) {
      segment.unsyncedRows -= a.rows;
      this.unsyncedRows -= a.rows;
      for (const w of a.waiters) w.reject(error);
    }
    this.seal(segment);
  }

  private activeSegment(incoming: number): Segment {
    if (this.active && this.active.bytes > 0 && this.active.bytes + incoming > SEGMENT_BYTES) this.seal(this.active);
    if (!this.active) {
      this.active = createSegment(this.options.dir);
      this.segments.push(this.active);
    }
    return this.active;
  }

  /** No more appends go to this file; it is closed once its last append is synced. */
  private seal(segment: Segment): void {
    if (this.active === segment) this.active = undefined;
    if (segment.unsyncedRows === 0 && segment.syncsInFlight === 0) closeSegmentFile(segment);
    if (segment.pendingRows === 0 && segment.unsyncedRows === 0) void this.removeSegment(segment).catch(() => undefined);
  }

  private firstPendingSince(): number {
    for (const segment of this.segments) if (segment.pending.length > 0) return segment.pending[0].since;
    return Date.now();
  }

  private async removeSegment(segment: Segment): Promise<void> {
    const i = this.segments.indexOf(segment);
    if (i >= 0) this.segments.splice(i, 1);
    await removeSegmentFiles(this.options.dir, segment);
  }
}
