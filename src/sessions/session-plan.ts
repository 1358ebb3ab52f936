import { type ComputedSessionRow, SESSION_COLUMNS, type SessionRow, type StoredSessionRow } from '@app/analytics';
import { SESSION_TIMEOUT_MS } from '@app/ingest';
import { fromClickhouseDateTime } from '@app/common';

/** A row for `sessions`: a state (+1) or the cancel row of a state that is replaced (-1). */
export type SessionWrite = SessionRow & { sign: 1 | -1; version: number };

/** A device's marker as `session_dirty` groups them: the span of event time an insert touched. */
export interface DirtyDevice {
  project_id: string;
  device_id: string;
  first_at: string;
  last_at: string;
}

/** Devices of one project whose sessions are rebuilt together, over one window. */
export interface SessionBatch {
  projectId: string;
  deviceIds: string[];
  from: Date;
  to: Date;
}

export interface BatchLimits {
  /** Device ids per statement: they travel as one array parameter. */
  maxDevices: number;
  /**
   * How much event time one statement may cover beyond its longest device window. Devices
   * whose windows lie far apart go to different statements, so an old event of one device
   * does not make the statement read every event in between for all the others.
   */
  maxSpanMs: number;
}

const SAME_TIME = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Groups the markers into batches: for each device, the window its markers need (their span
 * widened by the session gap on both sides, since an event can join or bridge the runs that
 * end or start within 30 minutes of it), overlapping windows merged; then per project, the
 * windows in time order, cut into batches by `limits`.
 */
export function planBatches(dirty: readonly DirtyDevice[], limits: BatchLimits): SessionBatch[] {
  const byProject = new Map<string, Map<string, { from: number; to: number }[]>>();
  for (const d of dirty) {
    const devices = byProject.get(d.project_id) ?? new Map<string, { from: number; to: number }[]>();
    byProject.set(d.project_id, devices);
    const spans = devices.get(d.device_id) ?? [];
    devices.set(d.device_id, spans);
    spans.push({
      from: fromClickhouseDateTime(d.first_at).getTime() - SESSION_TIMEOUT_MS,
      to: fromClickhouseDateTime(d.last_at).getTime() + SESSION_TIMEOUT_MS,
    });
  }
  const batches: SessionBatch[] = [];
  for (const [projectId, devices] of byProject) {
    const windows: { deviceId: string; from: number; to: number }[] = [];
    for (const [deviceId, spans] of devices) {
      spans.sort((a, b) => a.from - b.from);
      let current = { ...spans[0] };
      for (const s of spans.slice(1)) {
        if (s.from <= current.to) current.to = Math.max(current.to, s.to);
        else {
          windows.push({ deviceId, ...current });
          current = { ...s };
        }
      }
      windows.push({ deviceId, ...current });
    }
    windows.sort((a, b) => a.from - b.from || SAME_TIME(a.deviceId, b.deviceId));
    let batch: { devices: Set<string>; from: number; to: number } | undefined;
    const flush = () => {
      if (batch) batches.push({ projectId, deviceIds: [...batch.devices], from: new Date(batch.from), to: new Date(batch.to) });
    };
    for (const w of windows) {
      const fits =
        batch &&
        (batch.devices.has(w.deviceId) || batch.devices.size < limits.maxDevices) &&
        // Joining may stretch the longer of the two windows by maxSpanMs at most: windows of
        // long sessions (a bulk insert of history) that overlap still share one statement.
        Math.max(batch.to, w.to) - batch.from - Math.max(batch.to - batch.from, w.to - w.from) <= limits.maxSpanMs;
      if (batch && fits) {
        batch.devices.add(w.deviceId);
        batch.to = Math.max(batch.to, w.to);
      } else {
        flush();
        batch = { devices: new Set([w.deviceId]), from: w.from, to: w.to };
      }
    }
    flush();
  }
  return batches;
}

function sameState(a: SessionRow, b: SessionRow): boolean {
  return SESSION_COLUMNS.every((c) => String(a[c]) === String(b[c]));
}

function pick(row: SessionRow): SessionRow {
  return Object.fromEntries(SESSION_COLUMNS.map((c) => [c, row[c]])) as SessionRow;
}

/**
 * What to write so that the stored sessions of a window become the recomputed ones, and
 * nothing when they already are (so processing the same markers twice changes nothing).
 *
 * A recomputed run keeps the id of the earliest stored session it overlaps: a run that grew
 * keeps its id, and one that bridged two sessions keeps the earlier one's; that session gets
 * its next version and the others a cancel row. A run overlapping no stored session is new
 * (version 1), under its own id unless a stored session of the window already holds that
 * one, then under its fallback id. A stored session no run overlaps any more is cancelled.
 */
export function planSessionWrites(stored: readonly StoredSessionRow[], computed: readonly ComputedSessionRow[]): SessionWrite[] {
  const byDevice = new Map<string, StoredSessionRow[]>();
  for (const s of stored) {
    const list = byDevice.get(s.device_id) ?? [];
    byDevice.set(s.device_id, list);
    list.push(s);
  }
  for (const list of byDevice.values()) list.sort((a, b) => SAME_TIME(a.created_at, b.created_at) || SAME_TIME(a.id, b.id));
  const used = new Set(stored.map((s) => s.id));
  const kept = new Set<string>();
  const writes: SessionWrite[] = [];
  const cancel = (s: StoredSessionRow) => writes.push({ ...pick(s), sign: -1, version: s.version });

  const runs = [...computed].sort((a, b) => SAME_TIME(a.device_id, b.device_id) || SAME_TIME(a.created_at, b.created_at));
  for (const run of runs) {
    const row = pick(run);
    const match = (byDevice.get(run.device_id) ?? []).find(
      (s) => !kept.has(s.id) && s.created_at <= run.ended_at && s.ended_at >= run.created_at,
    );
    if (match) {
      kept.add(match.id);
      const next = { ...row, id: match.id };
      if (sameState(next, match)) continue;
      cancel(match);
      writes.push({ ...next, sign: 1, version: match.version + 1 });
      continue;
    }
    const id = used.has(row.id) ? run.fallback_id : row.id;
    used.add(id);
    writes.push({ ...row, id, sign: 1, version: 1 });
  }
  for (const s of stored) if (!kept.has(s.id)) cancel(s);
  return writes;
}
