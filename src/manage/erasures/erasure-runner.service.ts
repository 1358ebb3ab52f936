import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { buildErasureStatements, ClickhouseService, ERASURE_MUTATION_SETTINGS } from '@app/clickhouse';
import { type ErasureCounts, type ErasureEntity, ErasureStore, ProfileAliasStore } from '@app/database';
import { APP_CONFIG, type AppConfig } from '../../config';
import { IngestService, ProfilesService } from '../../pipeline';
import { BUILDER_LOCK_KEY } from '../../sessions';

/** A claimed job is held this long without a renewal; past it, another node takes it over. */
const LEASE_MS = 60_000;
const RENEW_MS = 15_000;
/** Backoff of a failed attempt: 5 s, 10 s, 20 s, … at most an hour. */
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 3_600_000;
/** Every id a person can have (its own and its aliases); more would be a store out of bounds. */
const MAX_IDS = 100_000;
/** Session ids per delete statement. */
const SESSION_CHUNK = 10_000;
/** How long to wait for the session builder to finish its run before trying again later. */
const BUILDER_LOCK_WAIT_MS = 5 * 60_000;

class Released extends Error {}

/**
 * Runs erasure jobs (`erasures`, ErasureStore): right after a request on this node, and every
 * ERASURE_INTERVAL_MS on every node for jobs still due (pending, failed past their backoff,
 * running with an expired lease because their node died). Claims use `FOR UPDATE SKIP LOCKED`,
 * so of several nodes one runs a job. A job:
 *
 * 1. fixes the ids to erase: the person's and its aliases' (kept in the job for retries);
 * 2. forgets this node's alias cache for them, and drains this node's event writer, so events
 *    acknowledged but not yet inserted are in ClickHouse before the delete;
 * 3. deletes, in ClickHouse, the events of those ids, every version of their sessions, and
 *    their profile mirror rows (mutations_sync: done on every replica when it returns), holding
 *    the session builder's lock so no builder run rebuilds a session from events read before
 *    the delete;
 * 4. in one PostgreSQL transaction, deletes the aliases (both directions) and the profiles
 *    (their group memberships are on the profile row);
 * 5. after ERASURE_SECOND_PASS_MS does step 3 again. On several nodes each node's writer
 *    buffer holds acknowledged events for only INGEST_FLUSH_MS (seconds), and another node's
 *    alias cache may still map an alias onto the person for ALIAS_TTL_MS (60 s): the second
 *    pass, once both have passed, deletes what they stored meanwhile.
 *
 * Every step can run again: a retry deletes what is left and counts only that.
 */
@Injectable()
export class ErasureRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Erasures');
  private readonly intervalMs: number;
  private readonly secondPassMs: number;
  private timer?: NodeJS.Timeout;
  private loop?: Promise<number>;
  /** Set when a kick arrives while the loop runs: it looks once more before stopping. */
  private again = false;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly store: ErasureStore,
    private readonly aliases: ProfileAliasStore,
    private readonly dataSource: DataSource,
    private readonly clickhouse: ClickhouseService,
    private readonly ingest: IngestService,
    private readonly profiles: ProfilesService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.intervalMs = config.erasure.intervalMs;
    this.secondPassMs = config.erasure.secondPassMs;
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs <= 0) return;
    this.kick();
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops taking jobs; a job waiting for its second pass is given back (pending) for the next start. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }

  /** Runs due jobs in the background (unless the runner is off: ERASURE_INTERVAL_MS=0). */
  kick(): void {
    if (this.intervalMs <= 0) return;
    void this.runDue().catch((e: Error) => this.logger.error(`erasure runner failed: ${e.message}`));
  }

  /** Runs jobs until none is due; returns how many it ran. One loop per node at a time. */
  runDue(): Promise<number> {
    this.again = true;
    this.loop ??= this.work().finally(() => (this.loop = undefined));
    return this.loop;
  }

  private async work(): Promise<number> {
    let ran = 0;
    while (!this.stopped && this.again) {
      this.again = false;
      for (;;) {
        if (this.stopped) return ran;
        const job = await this.store.claim(LEASE_MS);
        if (!job) break;
        this.again = true;
        await this.attempt(job);
        ran++;
      }
    }
    return ran;
  }

  private async attempt(job: ErasureEntity): Promise<void> {
    let lost = false;
    const renew = setInterval(() => {
      void this.store.renew(job.id, job.attempts, LEASE_MS).then(
        (held) => (lost ||= !held),
        () => undefined,
      );
    }, RENEW_MS);
    try {
      await this.erase(job, () => lost);
      this.logger.log(`erasure ${job.id} done`);
    } catch (e) {
      if (e instanceof Released || this.stopped) {
        await this.store.release(job.id, job.attempts).catch(() => undefined);
        return;
      }
      const message = (e as Error).message;
      const retryIn = Math.min(RETRY_BASE_MS * 2 ** Math.max(0, job.attempts - 1), RETRY_MAX_MS);
      this.logger.warn(`erasure ${job.id} attempt ${job.attempts} failed, retrying in ${retryIn} ms: ${message}`);
      await this.store.fail(job.id, job.attempts, message, retryIn).catch(() => undefined);
    } finally {
      clearInterval(renew);
    }
  }

  private async erase(job: ErasureEntity, lost: () => boolean): Promise<void> {
    const check = () => {
      if (lost()) throw new Released('lease lost');
    };
    let ids = job.profileIds;
    if (!ids) {
      ids = await this.aliases.idsOf(job.projectId, job.profileId, MAX_IDS);
      await this.store.setProfileIds(job.id, ids);
    }
    await this.profiles.forget(job.projectId, ids);
    await this.ingest.drain();
    check();
    await this.clickhousePass(job.id, job.projectId, ids);
    check();
    await this.store.addCounts(job.id, await this.postgresPass(job.projectId, job.profileId, ids));
    await this.profiles.forget(job.projectId, ids);
    if (this.secondPassMs > 0) {
      try {
        await sleep(this.secondPassMs, undefined, { signal: this.abort.signal });
      } catch {
        throw new Released('shutting down');
      }
    }
    check();
    await this.ingest.drain();
    await this.clickhousePass(job.id, job.projectId, ids);
    await this.store.complete(job.id);
  }

  /** Step 3 (see the class): counts what is there, deletes it, and adds the count to the job once deleted. */
  private async clickhousePass(jobId: string, projectId: string, ids: string[]): Promise<void> {
    const statements = buildErasureStatements(this.clickhouse.target);
    return this.withBuilderLock(async () => {
      const [events] = await this.rows<{ n: string }>(
        `SELECT count() AS n FROM ${this.clickhouse.table('events')} WHERE project_id = {projectId:String} AND profile_id IN {ids:Array(String)}`,
        { projectId, ids },
      );
      const sessions = await this.rows<{ id: string; live: number }>(
        `SELECT id, sum(sign) > 0 AS live FROM ${this.clickhouse.table('sessions')}
         WHERE project_id = {projectId:String} AND id IN (
           SELECT id FROM ${this.clickhouse.table('sessions')} WHERE project_id = {projectId:String} AND profile_id IN {ids:Array(String)})
         GROUP BY id`,
        { projectId, ids },
      );
      for (const query of statements.events) await this.command(query, { projectId, ids });
      await this.store.addCounts(jobId, { events: Number(events?.n ?? 0) });
      for (let i = 0; i < sessions.length; i += SESSION_CHUNK) {
        const sessionIds = sessions.slice(i, i + SESSION_CHUNK).map((s) => s.id);
        for (const query of statements.sessions) await this.command(query, { projectId, sessionIds });
      }
      await this.store.addCounts(jobId, { sessions: sessions.filter((s) => Number(s.live) === 1).length });
      for (const query of statements.profiles) await this.command(query, { projectId, ids });
    });
  }

  /** Step 4: the aliases (to and from the person) and the profiles, in one transaction. */
  private async postgresPass(projectId: string, profileId: string, ids: string[]): Promise<Partial<ErasureCounts>> {
    return this.dataSource.transaction(async (m) => {
      const aliases: unknown[] = await m.query(
        `DELETE FROM profile_aliases WHERE project_id = $1 AND (profile_id = $2 OR alias = $2 OR alias = ANY($3::varchar[])) RETURNING alias`,
        [projectId, profileId, ids],
      );
      const profiles: { groups: string[] | null }[] = await m.query(
        `DELETE FROM profiles WHERE project_id = $1 AND id = ANY($2::varchar[]) RETURNING groups`,
        [projectId, ids],
      );
      return {
        aliases: rowsOf(aliases).length,
        profiles: rowsOf(profiles).length,
        groupMemberships: rowsOf(profiles).reduce((n, p) => n + (p.groups?.length ?? 0), 0),
      };
    });
  }

  /**
   * Holds the session builder's advisory lock (BUILDER_LOCK_KEY) around `work`: the builder
   * skips its turn meanwhile, so none of its runs reads the person's events before the delete
   * and writes their session after it.
   */
  private async withBuilderLock<T>(work: () => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const until = Date.now() + BUILDER_LOCK_WAIT_MS;
      for (;;) {
        const [row] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [BUILDER_LOCK_KEY])) as { locked: boolean }[];
        if (row?.locked) break;
        if (Date.now() > until) throw new Error('the session builder held its lock too long');
        await sleep(100);
      }
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [BUILDER_LOCK_KEY]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  private async rows<T>(query: string, query_params: Record<string, unknown>): Promise<T[]> {
    const rs = await this.clickhouse.client.query({ query, query_params, format: 'JSONEachRow' });
    return rs.json<T>();
  }

  private async command(query: string, query_params: Record<string, unknown>): Promise<void> {
    await this.clickhouse.client.command({ query, query_params, clickhouse_settings: ERASURE_MUTATION_SETTINGS });
  }
}

/** A DELETE … RETURNING through TypeORM answers [rows, count]. */
function rowsOf<T>(result: T[] | [T[], number]): T[] {
  return Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}
