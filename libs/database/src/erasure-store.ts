import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type ErasureCounts, ErasureEntity } from './entities';

export interface NewErasure {
  organizationId: string;
  projectId: string;
  profileId: string;
  requestedBy: string;
}

/**
 * The one reader and writer of `erasures`: requests to erase a person, and the claims the
 * runners of every API node make on them. A job is claimed with `FOR UPDATE SKIP LOCKED` and
 * held by a lease the runner renews; a node that dies stops renewing, and once the lease has
 * passed another node (or the same one restarted) takes the job over.
 */
@Injectable()
export class ErasureStore {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ErasureEntity);
  }

  /** A new pending job; with `manager`, inside that transaction (the request's audit row commits with it). */
  async create(input: NewErasure, manager?: EntityManager): Promise<ErasureEntity> {
    const repo = manager ? manager.getRepository(ErasureEntity) : this.repo;
    const saved = await repo.save(repo.create({ ...input, status: 'pending' }));
    return repo.findOneByOrFail({ id: saved.id });
  }

  get(organizationId: string, id: string): Promise<ErasureEntity | null> {
    return this.repo.findOneBy({ id, organizationId });
  }

  /** A project's erasures, newest first. */
  list(organizationId: string, projectId: string): Promise<ErasureEntity[]> {
    return this.repo.find({ where: { organizationId, projectId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /**
   * Claims the oldest job due: pending or failed with its backoff over, or running with an
   * expired lease (its node died). Two runners never claim the same job: the row is locked
   * until the claim commits, and a locked row is skipped, not waited for.
   */
  async claim(leaseMs: number): Promise<ErasureEntity | null> {
    return this.dataSource.transaction(async (m) => {
      const rows: { id: string }[] = await m.query(
        `SELECT id FROM erasures
         WHERE (status IN ('pending', 'failed') AND next_attempt_at <= now()) OR (status = 'running' AND lease_until < now())
         ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return null;
      await m.query(
        `UPDATE erasures SET status = 'running', attempts = attempts + 1, updated_at = now(),
           lease_until = now() + make_interval(secs => $2::double precision / 1000)
         WHERE id = $1`,
        [rows[0].id, leaseMs],
      );
      return m.getRepository(ErasureEntity).findOneByOrFail({ id: rows[0].id });
    });
  }

  /** Extends the lease of a job this runner holds; false when it is no longer held (taken over). */
  async renew(id: string, attempts: number, leaseMs: number): Promise<boolean> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE erasures SET lease_until = now() + make_interval(secs => $3::double precision / 1000)
       WHERE id = $1 AND status = 'running' AND attempts = $2`,
      [id, attempts, leaseMs],
    )) as [unknown, number];
    return affected > 0;
  }

  /** Records the ids the job erases (see ErasureEntity.profileIds). */
  async setProfileIds(id: string, profileIds: string[]): Promise<void> {
    await this.repo.update({ id }, { profileIds });
  }

  /** Adds what a step removed to the job's counts. */
  async addCounts(id: string, counts: Partial<ErasureCounts>): Promise<ErasureCounts> {
    const job = await this.repo.findOneByOrFail({ id });
    const sum: ErasureCounts = { ...emptyCounts(), ...(job.counts ?? {}) };
    for (const [k, v] of Object.entries(counts) as [keyof ErasureCounts, number][]) sum[k] += v;
    await this.repo.update({ id }, { counts: sum });
    return sum;
  }

  async complete(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE erasures SET status = 'done', finished_at = now(), updated_at = now(), lease_until = NULL, last_error = NULL,
         profile_ids = NULL, counts = COALESCE(counts, $2::jsonb)
       WHERE id = $1`,
      [id, JSON.stringify(emptyCounts())],
    );
  }

  /**
   * A failed attempt (`attempts`: the claim's, so a runner whose job was taken over leaves the
   * new claim alone): tried again once `retryInMs` has passed.
   */
  async fail(id: string, attempts: number, message: string, retryInMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE erasures SET status = 'failed', last_error = $3, lease_until = NULL, updated_at = now(),
         next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
       WHERE id = $1 AND status = 'running' AND attempts = $2`,
      [id, attempts, message.slice(0, 2000), retryInMs],
    );
  }

  /** Gives a claimed job back (the node is shutting down): pending again, due at once. */
  async release(id: string, attempts: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE erasures SET status = 'pending', lease_until = NULL, next_attempt_at = now(), updated_at = now()
       WHERE id = $1 AND status = 'running' AND attempts = $2`,
      [id, attempts],
    );
  }
}

export function emptyCounts(): ErasureCounts {
  return { events: 0, sessions: 0, aliases: 0, groupMemberships: 0, profiles: 0 };
}
