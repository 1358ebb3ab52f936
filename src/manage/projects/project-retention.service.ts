import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { buildRetentionStatements, ClickhouseService, type RetentionStatements } from '@app/clickhouse';
import { toClickhouseDateTime } from '@app/common';
import { ProjectStore, withTryAdvisoryLock } from '@app/database';
import { APP_CONFIG, type AppConfig } from '../../config';
import { SessionBuilder } from '../../sessions';

/**
 * The PostgreSQL advisory lock of the hourly pass: of several API nodes one runs it, the others
 * skip their turn. Not needed for correctness (every statement is idempotent), it only spares
 * the same mutations being issued by every node. Differs from the session builder's.
 */
export const RETENTION_LOCK_KEY = 7_202_613;

const FIRST_PASS_DELAY_MS = 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionResult {
  projectId: string;
  cutoff: Date;
  /** Rows deleted (counted just before the delete). */
  events: number;
  sessions: number;
}

/**
 * Applies each project's `retentionDays`: a scheduled delete, not a ClickHouse TTL (why:
 * libs/clickhouse/src/retention.ts). Events older than the cutoff are deleted from storage,
 * then the sessions that ended before it and the builder's markers of that time; sessions
 * that straddle the cutoff get markers, so the session builder recomputes them from the
 * events that remain. Profiles stay: they are people, not events, and are erased by request.
 *
 * Runs every RETENTION_INTERVAL_MS on every node (one at a time, RETENTION_LOCK_KEY) and right
 * after a project's retention is set or shortened. An event stored with a time already past its
 * project's retention (a backdated or imported event) is accepted and removed by the next pass.
 * Reads do not apply the cutoff themselves: every query builder would need the project's
 * retention, and an hour's lag on a limit counted in days is within what a retention promises.
 */
@Injectable()
export class ProjectRetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private readonly statements: RetentionStatements;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** Passes of this node run one after the other. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly projects: ProjectStore,
    private readonly clickhouse: ClickhouseService,
    private readonly dataSource: DataSource,
    private readonly sessions: SessionBuilder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.statements = buildRetentionStatements(clickhouse.target);
  }

  /**
   * A first pass a minute after start (a node restarted more often than its interval would
   * otherwise never run one), then one every `RETENTION_INTERVAL_MS` (default an hour): the
   * most an event outlives its project's `retentionDays`, plus the time the deletes take.
   * Retention is counted in days, so an hour is precise enough, and a pass with nothing to
   * delete costs one count per project.
   */
  onApplicationBootstrap(): void {
    const intervalMs = this.config.retentionIntervalMs;
    if (intervalMs <= 0) return;
    this.timer = setTimeout(
      () => {
        if (this.stopped) return;
        this.tick();
        this.timer = setInterval(() => this.tick(), intervalMs);
        this.timer.unref();
      },
      Math.min(FIRST_PASS_DELAY_MS, intervalMs),
    );
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.timer);
    await this.idle();
  }

  private tick(): void {
    void this.runDue().catch((e: Error) => this.logger.error(`retention pass failed: ${e.message}`));
  }

  /** Applies the retention of every project that has one; undefined when another node holds the pass. */
  runDue(now: Date = new Date()): Promise<RetentionResult[] | undefined> {
    return this.queue(() =>
      this.locked(async () => {
        const results: RetentionResult[] = [];
        for (const p of await this.projects.withRetention()) {
          // One project failing (its mutation timed out) does not hold back the others.
          await this.apply(p.id, p.retentionDays, now).then(
            (r) => results.push(r),
            (e: Error) => this.logger.error(`retention of ${p.id} failed, retried next pass: ${e.message}`),
          );
        }
        return results;
      }),
    );
  }

  /** After a project's retention was set or shortened: applies it in the background. */
  applySoon(projectId: string): void {
    void this.queue(async () => {
      const project = await this.projects.byId(projectId);
      if (project?.retentionDays) await this.apply(project.id, project.retentionDays, new Date());
    }).catch((e: Error) => this.logger.error(`retention of ${projectId} failed: ${e.message}`));
  }

  /** Resolves once the passes queued so far are done. */
  async idle(): Promise<void> {
    await this.chain.catch(() => undefined);
  }

  private queue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.catch(() => undefined).then(work);
    this.chain = run;
    return run;
  }

  private locked<T>(work: () => Promise<T>): Promise<T | undefined> {
    return withTryAdvisoryLock<T | undefined>(this.dataSource, RETENTION_LOCK_KEY, work, undefined);
  }

  /**
   * With the session builder paused: a run that read a project's old events before they were
   * deleted would otherwise write their sessions back after the sessions' delete.
   */
  private apply(projectId: string, retentionDays: number, now: Date): Promise<RetentionResult> {
    return this.sessions.whilePaused(() => this.delete(projectId, retentionDays, now));
  }

  private async delete(projectId: string, retentionDays: number, now: Date): Promise<RetentionResult> {
    const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
    const params = { projectId, cutoff: toClickhouseDateTime(cutoff) };
    const rs = await this.clickhouse.client.query({ query: this.statements.counts, query_params: params, format: 'JSONEachRow' });
    const [counts] = await rs.json<{ events: string | number; sessions: string | number; markers: string | number }>();
    const result: RetentionResult = { projectId, cutoff, events: Number(counts?.events ?? 0), sessions: Number(counts?.sessions ?? 0) };
    // Events first: a pass cut short after them leaves sessions the next pass still finds.
    if (result.events > 0) await this.mutate(this.statements.events, params);
    if (result.sessions > 0) await this.mutate(this.statements.sessions, params);
    if (Number(counts?.markers ?? 0) > 0) await this.mutate(this.statements.markers, params);
    if (result.events > 0) {
      await this.clickhouse.client.command({
        query: this.statements.straddlers,
        query_params: params,
        // Read back by the builder: on a cluster it must be on its shard when this returns.
        clickhouse_settings: { distributed_foreground_insert: 1 },
      });
      this.logger.log(`${projectId}: ${result.events} events and ${result.sessions} session rows before ${params.cutoff} deleted`);
    }
    return result;
  }

  /** Waits until the delete is done on every replica, so what it removed is gone when the pass returns. */
  private async mutate(statements: string[], params: Record<string, string>): Promise<void> {
    for (const query of statements) {
      await this.clickhouse.client.command({ query, query_params: params, clickhouse_settings: { mutations_sync: '2' } });
    }
  }
}
