/*
 * The write-ahead log's files. A segment `<name>.wal` holds rows as JSONCompactEachRow lines,
 * appended in order; rows are counted by line, so a range of rows is a range of lines. Its
 * checkpoint `<name>.ckpt` is a log of JSON records, the last complete one in force.
 */

export const NEWLINE = 0x0a;

export const SEGMENT_SUFFIX = '.wal';
export const CHECKPOINT_SUFFIX = '.ckpt';

/** What a segment's checkpoint records: how far its rows reached ClickHouse. */
export interface Checkpoint {
  /** Lines `[0, inserted)` are in ClickHouse. */
  inserted: number;
  /** An insert that started and may or may not have landed: replayed with the same token. */
  inflight?: [number, number];
}

/**
 * The record as written. `shipped` is the field's name on disk, kept so that a log written by
 * an earlier version replays.
 */
interface CheckpointRecord {
  shipped: number;
  inflight?: [number, number];
}

/** Byte offset just past the `n`-th newline of `buf` (n >= 1), or -1 when it has fewer. */
export function offsetAfterLines(buf: Buffer, n: number): number {
  let at = 0;
  for (let i = 0; i < n; i++) {
    const nl = buf.indexOf(NEWLINE, at);
    if (nl < 0) return -1;
    at = nl + 1;
  }
  return at;
}

export function countLines(buf: Buffer): number {
  let n = 0;
  for (let at = buf.indexOf(NEWLINE); at >= 0; at = buf.indexOf(NEWLINE, at + 1)) n++;
  return n;
}

/** Byte offset of line `n` of `content`, which holds `total` complete lines. */
export function lineOffset(content: Buffer, total: number, n: number): number {
  return n <= 0 ? 0 : n >= total ? content.length : offsetAfterLines(content, n);
}

/** One record to append to a checkpoint file; the leading newline ends an older, unterminated one. */
export function checkpointRecord(checkpoint: Checkpoint): string {
  const record: CheckpointRecord = checkpoint.inflight
    ? { shipped: checkpoint.inserted, inflight: checkpoint.inflight }
    : { shipped: checkpoint.inserted };
  return `\n${JSON.stringify(record)}`;
}

/** The last complete record of a checkpoint file (a record torn by a crash is skipped). */
export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const record = JSON.parse(lines[i]) as CheckpointRecord;
      if (typeof record?.shipped === 'number')
        return record.inflight ? { inserted: record.shipped, inflight: record.inflight } : { inserted: record.shipped };
    } catch {
      // torn or empty line
    }
  }
  return { inserted: 0 };
}
