import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  buildCheckpointReadSql,
  buildCurrentSessionsSql,
  buildDirtyDevicesSql,
  buildDirtyStepSql,
  buildSessionsFromEventsSql,
  buildSessionsInsertSql,
  type ComputedSessionRow,
  type SessionWindow,
  type SqlStatement,
  type StoredSessionRow,
} from '@app/analytics';
import { DataSource } from 'typeorm';
import { ClickhouseService } from '@app/clickhouse';
import { withAdvisoryLock, withTryAdvisoryLock } from '@app/database';
import { fromClickhouseDateTime, toClickhouseDateTime } from '@app/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { type DirtyDevice, planBatches, planSessionWrites, type SessionBatch, type SessionWrite } from './session-plan';

/**
 * How old a marker must be before it is read. A marker's inserted_at is taken while its
 * insert runs, and the insert becomes visible only once it commits, a moment later; a reader
 * that moved its checkpoint past an instant while an insert stamped with that instant was
 * still committing would never see it. Inserts of the event writer take well under a second
 * (INGEST_FLUSH_ROWS rows at most); ten seconds leave room for a loaded machine or a replicated
 * insert, and are what a session's figures lag behind its events at most, plus one interval.
 */
export const SETTLE_LAG_MS = 10_000;

/** Markers read per step: bounds the builder's memory when a large backlog is waiting. */
const MARKERS_PER_STEP = 50_000;

const LIMITS = { maxDevices: 1000, maxSpanMs: 6 * 60 * 60 * 1000 };

/** The builder's row in `session_checkpoint`. */
const CHECKPOINT = 'sessions';
/** Written once the history stored before the builder existed has its sessions. */
const HISTORY_CHECKPOINT = 'history';
/** Events per statement of a history build: a project's devices are cut in slices of about this many. */
const HISTORY_EVENTS_PER_SLICE = 2_000_000;
/** Events carry no time before this (the engine's Date type starts there). */
const HISTORY_START = new Date(Date.UTC(1970, 0, 1));
const START = '1970-01-01 00:00:00.000';

/**
 * Every write is read back by the next run, so on a cluster it must have reached its shard
 * before the insert returns (a Distributed table queues inserts by default). A state written
 * again after its rows were removed (a deleted project) is new data, not a retry: a replicated
 * table must not drop it as a duplicate block.
 */
const WRITE_SETTINGS = { distributed_foreground_insert: 1, insert_deduplicate: 0 } as const;

/**
 * The PostgreSQL advisory lock one builder holds while it runs: every API node shares the
 * database, so of several nodes one builds at a time and the others skip their turn. The lock
 * belongs to the connection, so a node that dies releases it. (Any constant works; it only has
 * to be the same on every node, and differ from the migrations' lock.)
 */
export const BUILDER_LOCK_KEY = 7_202_612;

/** Stops widening a window that keeps meeting new sessions (only an inconsistent table does). */
const MAX_WIDENINGS = 5;

export interface SessionRunSummary {
  /** True when another node held the builder's lock: this run did nothing. */
  skipped?: boolean;
  markers: number;
  batches: number;
  /** Rows written to `sessions` (cancel rows and new states). */
  rows: number;
}

export interface HistorySummary {
  skipped?: boolean;
  projects: number;
  slices: number;
  /** Rows written by the plan (slices that had sessions); slices built by INSERT SELECT are not counted. */
  rows: number;
}

/**
 * Keeps `sessions` in step with `events`. Every insert into `events` leaves markers in
 * `session_dirty` (a materialized view, migration 0005); every few seconds, and when asked,
 * the builder reads the markers after its checkpoint, re-reads the sessions of those devices
 * that lie within 30 minutes of the new events, recomputes the runs from the events
 * themselves, and writes only what differs. So late, backdated and out-of-order events land
 * in the session their time puts them in, and one that bridges two sessions merges them.
 *
 * The checkpoint lives in ClickHouse (`session_checkpoint`), so a restart resumes where the
 * last run finished; a run cut short is simply done again, which writes nothing twice. Of
 * several nodes sharing the stores, one builds at a time (BUILDER_LOCK_KEY): two running at
 * once could both write the same change.
 */
@Injectable()
export class SessionBuilder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sessions');
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** The history build is done (read from its checkpoint once, then remembered). */
  private historyDone = false;

  constructor(
    private readonly clickhouse: ClickhouseService,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.intervalMs = config.sessions.buildIntervalMs;
  }

  /**
   * With the timer on, the history is built first (once per database, see buildHistory), then
   * the timer keeps up with new events. With it off, the first runOnce does the history.
   */
  onApplicationBootstrap(): void {
    if (this.intervalMs <= 0) return;
    const history = this.running.then(() => this.exclusive(() => this.ensureHistory(), undefined));
    this.running = history.catch((e: unknown) =>
      this.logger.error(`building the sessions of stored history failed: ${(e as Error).message}`),
    );
    this.schedule();
  }

  /**
   * Before ClickHouse closes. A run under way stops at its next batch and leaves its step
   * unrecorded: the markers stay after the checkpoint, and the next start builds them (a
   * backlog of an import can take minutes, which a shutdown must not wait for).
   */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Processes every marker at least `lagMs` old (SETTLE_LAG_MS by default; a caller that knows
   * no insert is under way, such as a test after draining the writers, may pass 0). Runs one
   * at a time: a call made while the timer's run is under way starts after it.
   */
  runOnce(options: { lagMs?: number } = {}): Promise<SessionRunSummary> {
    const skipped: SessionRunSummary = { skipped: true, markers: 0, batches: 0, rows: 0 };
    const run = this.running.then(() => this.exclusive(() => this.build(options.lagMs ?? SETTLE_LAG_MS), skipped));
    this.running = run.catch(() => undefined);
    return run;
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.tick(), this.intervalMs);
    // The timer alone must not keep a process alive (the CLI, a test that forgot to close).
    this.timer.unref();
  }

  /** A failed run is logged and its markers are read again next time: nothing was checkpointed. */
  private async tick(): Promise<void> {
    try {
      const summary = await this.runOnce();
      if (summary.markers > 0) this.logger.debug(`${summary.markers} markers, ${summary.batches} batches, ${summary.rows} rows written`);
    } catch (e) {
      this.logger.error(`building sessions failed, retrying in ${this.intervalMs} ms: ${(e as Error).message}`);
    } finally {
      if (!this.stopped) this.schedule();
    }
  }

  /**
   * Builds the sessions of every event already stored, project by project, in slices of its
   * devices, and records that it was done. Events stored before migration 0005 (or while no
   * builder ran) left no markers, so nothing else would ever give them sessions. A slice with
   * no session yet is built by one INSERT ... SELECT in the engine; a slice that has some (an
   * earlier attempt cut short, a builder that ran before this existed) goes through the same
   * plan as new events, which writes only what differs, so running it again never stores a
   * session twice. Markers that arrive meanwhile are processed after it, against its result.
   */
  buildHistory(): Promise<HistorySummary> {
    const skipped: HistorySummary = { skipped: true, projects: 0, slices: 0, rows: 0 };
    const run = this.running.then(() => this.exclusive(() => this.history(), skipped));
    this.running = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs `work` while no builder writes, on this node or another: after this node's run under
   * way, holding the builder's lock (waiting for another node's run to end). The retention pass
   * deletes sessions so: a run that read events before they were deleted cannot write their
   * sessions back afterwards.
   */
  whilePaused<T>(work: () => Promise<T>): Promise<T> {
    const run = this.running.then(() => withAdvisoryLock(this.dataSource, BUILDER_LOCK_KEY, work));
    this.running = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs `work` holding the builder's lock, or answers `skipped` at once when another node
   * holds it (it is building; this node's markers are the same table's, so it builds them).
   */
  private exclusive<T>(work: () => Promise<T>, skipped: T): Promise<T> {
    return withTryAdvisoryLock(this.dataSource, BUILDER_LOCK_KEY, work, skipped);
  }

  private async ensureHistory(): Promise<void> {
    if (this.historyDone) return;
    const [row] = await this.rows<{ rows: string | number }>(buildCheckpointReadSql(this.clickhouse.target, HISTORY_CHECKPOINT));
    if (Number(row?.rows ?? 0) === 0) await this.history();
    this.historyDone = true;
  }

  private async history(): Promise<HistorySummary> {
    const target = this.clickhouse.target;
    const started = performance.now();
    const startedAt = Date.now();
    const projects = await this.rows<{ project_id: string; events: string | number }>({
      sql: `SELECT project_id, count() AS events FROM ${this.clickhouse.table('events')} WHERE device_id != '' GROUP BY project_id ORDER BY project_id`,
      params: {},
    });
    const done: HistorySummary = { projects: projects.length, slices: 0, rows: 0 };
    // Ingestion dates events at most a minute ahead of its clock; two days leave room for any skew.
    const to = new Date(Date.now() + 2 * 86_400_000);
    for (const p of projects) {
      const of = Math.max(1, Math.ceil(Number(p.events) / HISTORY_EVENTS_PER_SLICE));
      for (let index = 0; index < of; index++) {
        // Cut short: not recorded as done, so the next start does it again (idempotently).
        if (this.stopped) return done;
        const w: SessionWindow = { projectId: p.project_id, from: HISTORY_START, to, slice: { of, index } };
        const stored = await this.rows<StoredSessionRow>(buildCurrentSessionsSql(target, w));
        if (stored.length === 0) {
          const insert = buildSessionsInsertSql(target, w);
          await this.clickhouse.client.command({ query: insert.sql, query_params: insert.params, clickhouse_settings: WRITE_SETTINGS });
        } else {
          const writes = planSessionWrites(stored, await this.rows<ComputedSessionRow>(buildSessionsFromEventsSql(target, w)));
          if (writes.length > 0) await this.writeSessions(writes);
          done.rows += writes.length;
        }
        done.slices++;
      }
    }
    await this.writeCheckpoint(HISTORY_CHECKPOINT, toClickhouseDateTime(to));
    // The markers of inserts that had committed when the build began are for events it has
    // read: skipping them spares the first runs a second pass over the whole history (an
    // install whose events all have markers, such as one filled by a bulk load).
    const covered = toClickhouseDateTime(new Date(startedAt - SETTLE_LAG_MS));
    if ((await this.readCheckpoint()) < covered) await this.writeCheckpoint(CHECKPOINT, covered);
    this.historyDone = true;
    if (projects.length > 0)
      this.logger.log(
        `sessions of stored history built: ${done.projects} projects, ${done.slices} slices in ${Math.round(performance.now() - started)} ms`,
      );
    return done;
  }

  private async build(lagMs: number): Promise<SessionRunSummary> {
    await this.ensureHistory();
    const target = this.clickhouse.target;
    const summary: SessionRunSummary = { markers: 0, batches: 0, rows: 0 };
    let after = await this.readCheckpoint();
    for (;;) {
      const [step] = await this.rows<{ markers: string | number; upto: string }>(buildDirtyStepSql(target, after, lagMs, MARKERS_PER_STEP));
      const markers = Number(step?.markers ?? 0);
      if (markers === 0) break;
      const dirty = await this.rows<DirtyDevice>(buildDirtyDevicesSql(target, after, step.upto));
      for (const batch of planBatches(dirty, LIMITS)) {
        if (this.stopped) return summary;
        summary.rows += await this.rebuild(batch);
        summary.batches++;
      }
      await this.writeCheckpoint(CHECKPOINT, step.upto);
      summary.markers += markers;
      after = step.upto;
      if (markers < MARKERS_PER_STEP) break;
    }
    return summary;
  }

  /** Rebuilds one batch's sessions; returns the number of rows written. */
  private async rebuild(batch: SessionBatch): Promise<number> {
    const target = this.clickhouse.target;
    let { from, to } = batch;
    let stored: StoredSessionRow[] = [];
    // The window must end in gaps: widen it over the sessions it cuts into until none does.
    for (let i = 0; i < MAX_WIDENINGS; i++) {
      stored = await this.rows<StoredSessionRow>(
        buildCurrentSessionsSql(target, { projectId: batch.projectId, deviceIds: batch.deviceIds, from, to }),
      );
      let lo = from.getTime();
      let hi = to.getTime();
      for (const s of stored) {
        lo = Math.min(lo, fromClickhouseDateTime(s.created_at).getTime());
        hi = Math.max(hi, fromClickhouseDateTime(s.ended_at).getTime());
      }
      if (lo === from.getTime() && hi === to.getTime()) break;
      from = new Date(lo);
      to = new Date(hi);
    }
    const computed = await this.rows<ComputedSessionRow>(
      buildSessionsFromEventsSql(target, { projectId: batch.projectId, deviceIds: batch.deviceIds, from, to }),
    );
    const writes = planSessionWrites(stored, computed);
    if (writes.length > 0) await this.writeSessions(writes);
    return writes.length;
  }

  private async writeSessions(writes: SessionWrite[]): Promise<void> {
    await this.clickhouse.client.insert({
      table: this.clickhouse.table('sessions'),
      values: writes,
      format: 'JSONEachRow',
      clickhouse_settings: WRITE_SETTINGS,
    });
  }

  private async writeCheckpoint(name: string, insertedAt: string): Promise<void> {
    await this.clickhouse.client.insert({
      table: this.clickhouse.table('session_checkpoint'),
      values: [{ name, inserted_at: insertedAt, updated_at: toClickhouseDateTime(new Date()) }],
      format: 'JSONEachRow',
      clickhouse_settings: WRITE_SETTINGS,
    });
  }

  private async readCheckpoint(): Promise<string> {
    const [row] = await this.rows<{ rows: string | number; inserted_at: string }>(
      buildCheckpointReadSql(this.clickhouse.target, CHECKPOINT),
    );
    return row && Number(row.rows) > 0 ? row.inserted_at : START;
  }

  private async rows<T>(statement: SqlStatement): Promise<T[]> {
    const rs = await this.clickhouse.client.query({ query: statement.sql, query_params: statement.params, format: 'JSONEachRow' });
    return rs.json<T>();
  }
}
