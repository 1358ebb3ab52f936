import { randomBytes } from 'node:crypto';
import { close as closeFd, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Waiter } from '../row-text';
import {
  CHECKPOINT_SUFFIX,
  type Checkpoint,
  checkpointRecord,
  countLines,
  lineOffset,
  NEWLINE,
  parseCheckpoint,
  SEGMENT_SUFFIX,
} from './write-ahead-log-format';

/** Rows to insert and the deduplication token that makes a repeat of them harmless. */
export interface LogRange {
  body: Buffer;
  rows: number;
  token: string;
}

/** Rows as bytes: a view into a slab (or the replayed file), never copied per line. */
export interface RowChunk {
  body: Buffer;
  rows: number;
  /** When the chunk's first (oldest) rows began to wait for an insert, epoch ms. */
  since: number;
}

/** One segment of the write-ahead log; lines `[inserted, total)` are pending, in `pending`. */
export interface Segment {
  name: string;
  /** Open for appends while this is the active segment or has appends not yet synced. */
  fd?: number;
  /** Rows appended to the file and not yet synced (so not yet counted in `total`). */
  unsyncedRows: number;
  syncsInFlight: number;
  /** Open for appends once the segment has had an insert. */
  checkpointFd?: number;
  bytes: number;
  /** Lines synced. */
  total: number;
  inserted: number;
  pending: RowChunk[];
  pendingRows: number;
  /** End of the insert that failed last: retried as the very same range (same token). */
  retryTo?: number;
}

/** A new, empty segment file, open for appends; named so that names sort by age. */
export function createSegment(dir: string): Segment {
  const name = `${Date.now().toString().padStart(15, '0')}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(join(dir, `${name}${SEGMENT_SUFFIX}`), 'a');
  return { name, fd, unsyncedRows: 0, syncsInFlight: 0, bytes: 0, total: 0, inserted: 0, pending: [], pendingRows: 0 };
}

/**
 * A segment an earlier process left, its pending lines in one chunk, after repeating the
 * insert its checkpoint shows under way; undefined (and the files removed) when none are left.
 */
export async function replaySegment(dir: string, file: string, insert: (range: LogRange) => Promise<void>): Promise<Segment | undefined> {
  const name = file.slice(0, -SEGMENT_SUFFIX.length);
  const raw = await readFile(join(dir, file));
  // Bytes after the last newline are a line torn by a crash during its append: that
  // request was never answered, so they are dropped.
  const content = raw.subarray(0, raw.lastIndexOf(NEWLINE) + 1);
  const total = countLines(content);
  const segment: Segment = { name, unsyncedRows: 0, syncsInFlight: 0, bytes: raw.length, total, inserted: 0, pending: [], pendingRows: 0 };
  const checkpoint = await readCheckpoint(dir, name);
  if (checkpoint.inflight) {
    const [from, to] = checkpoint.inflight;
    await insert({
      body: content.subarray(lineOffset(content, total, from), lineOffset(content, total, to)),
      rows: to - from,
      token: tokenOf(segment, from, to),
    });
    checkpoint.inserted = to;
  }
  segment.inserted = Math.min(checkpoint.inserted, total);
  segment.pendingRows = total - segment.inserted;
  if (segment.pendingRows === 0) {
    await removeSegmentFiles(dir, segment);
    return undefined;
  }
  segment.pending = [
    { body: content.subarray(lineOffset(content, total, segment.inserted)), rows: segment.pendingRows, since: Date.now() },
  ];
  return segment;
}

/** Synced rows join the segment's pending chunks. */
export function addPending(segment: Segment, body: Buffer, rows: number, inserting: RowChunk | undefined): void {
  segment.total += rows;
  const last = segment.pending[segment.pending.length - 1];
  // Rows that come while their neighbours are being inserted start a chunk of their own,
  // so that what is left after the insert is dated by its own arrival.
  if (last && last !== inserting && last.body.buffer === body.buffer && last.body.byteOffset + last.body.length === body.byteOffset) {
    // The next bytes of the same slab: one chunk, so one insert can take them all.
    segment.pending[segment.pending.length - 1] = {
      body: Buffer.from(body.buffer, last.body.byteOffset, last.body.length + body.length),
      rows: last.rows + rows,
      since: last.since,
    };
  } else {
    segment.pending.push({ body, rows, since: Date.now() });
  }
  segment.pendingRows += rows;
}

/** Lines up to `to`, the first `bytes` of the first chunk, are inserted. */
export function dropInserted(segment: Segment, to: number, bytes: number): void {
  const rows = to - segment.inserted;
  segment.retryTo = undefined;
  // The chunk may have grown since a failed attempt; its first `rows` rows are still these bytes.
  const head = segment.pending[0];
  if (rows >= head.rows) segment.pending.shift();
  else segment.pending[0] = { body: head.body.subarray(bytes), rows: head.rows - rows, since: head.since };
  segment.pendingRows -= rows;
  segment.inserted = to;
}

/**
 * Appends are encoded straight into slabs of this size, which also hold them in memory until
 * they are inserted: an insert is then a view of one slab, not a concatenation of appends.
 */
const SLAB_BYTES = 16 * 1024 * 1024;

export class SlabEncoder {
  private slab: Buffer | undefined;
  private used = 0;

  /** This turn's rows, encoded into the slab: one contiguous view for the log and the insert. */
  encode(waiters: Waiter[]): Buffer {
    let bytes = 0;
    for (const w of waiters) bytes += Buffer.byteLength(w.rows.text);
    if (!this.slab || this.slab.length - this.used < bytes) {
      this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, bytes));
      this.used = 0;
    }
    const start = this.used;
    for (const w of waiters) {
      this.used += this.slab.write(w.rows.text, this.used);
      // The bytes are in the slab now; the text need not live until the sync.
      w.rows = { text: '', rows: w.rows.rows };
    }
    return this.slab.subarray(start, this.used);
  }
}

async function readCheckpoint(dir: string, name: string): Promise<Checkpoint> {
  let text: string;
  try {
    text = await readFile(checkpointPath(dir, name), 'utf8');
  } catch {
    return { inserted: 0 };
  }
  return parseCheckpoint(text);
}

/**
 * Appends a record to the segment's checkpoint file (replay reads the last one), and syncs
 * it when it must be durable before the insert it announces. The record after an insert
 * need not be: the next one's sync covers it, and a lost one only replays a range whose
 * token ClickHouse already knows.
 *
 * Synchronous on purpose: a few bytes and an fdatasync cost well under a millisecond, while
 * the same sync through libuv's pool waits for a busy event loop to see its completion, and
 * no insert runs meanwhile (bench/README.md has the measurement).
 */
export function appendCheckpoint(dir: string, segment: Segment, checkpoint: Checkpoint, durable: boolean): void {
  segment.checkpointFd ??= openSync(checkpointPath(dir, segment.name), 'a');
  writeSync(segment.checkpointFd, checkpointRecord(checkpoint));
  if (durable) fdatasyncSync(segment.checkpointFd);
}

export function closeSegmentFile(segment: Segment): void {
  if (segment.fd === undefined) return;
  const fd = segment.fd;
  segment.fd = undefined;
  closeFd(fd, () => undefined);
}

export function closeCheckpoint(segment: Segment): void {
  if (segment.checkpointFd === undefined) return;
  const fd = segment.checkpointFd;
  segment.checkpointFd = undefined;
  closeFd(fd, () => undefined);
}

export async function removeSegmentFiles(dir: string, segment: Segment): Promise<void> {
  closeCheckpoint(segment);
  await rm(join(dir, `${segment.name}${SEGMENT_SUFFIX}`), { force: true });
  await rm(checkpointPath(dir, segment.name), { force: true });
}

/** The deduplication token of lines `[from, to)` of a segment: the same on every replay. */
export function tokenOf(segment: Segment, from: number, to: number): string {
  return `${segment.name}:${from}:${to}`;
}

function checkpointPath(dir: string, name: string): string {
  return join(dir, `${name}${CHECKPOINT_SUFFIX}`);
}
