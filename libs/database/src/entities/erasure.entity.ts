import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ProjectEntity } from './project.entity';

export const ERASURE_STATUSES = ['pending', 'running', 'done', 'failed'] as const;
export type ErasureStatus = (typeof ERASURE_STATUSES)[number];

/** What an erasure removed, counted as it ran (ClickHouse counts are rows matched before the delete). */
export interface ErasureCounts {
  /** Events whose profile id was the person's or one of its aliases. */
  events: number;
  /** Sessions (distinct ids) whose profile id was one of those. */
  sessions: number;
  /** profile_aliases rows: aliases of the person, and the person as an alias of another. */
  aliases: number;
  /** Groups the profile belonged to (its memberships; the groups themselves stay). */
  groupMemberships: number;
  /** PostgreSQL profile rows (0 or 1). */
  profiles: number;
}

/**
 * A request to erase one person of a project (`POST /manage/erasures`), run in the background
 * by ErasureRunner: retried with a backoff (`nextAttemptAt`) until it is done.
 */
@Entity('erasures')
@Index(['status', 'nextAttemptAt'])
@Index(['projectId', 'createdAt'])
export class ErasureEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'varchar', length: 128 })
  organizationId: string;

  @Column({ name: 'project_id', type: 'varchar', length: 128 })
  projectId: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column({ name: 'profile_id', type: 'varchar', length: 255 })
  profileId: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: ErasureStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** The message of the last failure (never a stack or a query). */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'jsonb', nullable: true })
  counts: ErasureCounts | null;

  /**
   * Every id the person's data is stored under (its id and its aliases), fixed by the first
   * attempt: a retry after the PostgreSQL step, which deletes the aliases, still finds the
   * events stored under them. Cleared when the job is done.
   */
  @Column({ name: 'profile_ids', type: 'jsonb', nullable: true })
  profileIds: string[] | null;

  /** The client that asked (no foreign key: the request outlives a deleted client). */
  @Column({ name: 'requested_by', type: 'varchar', length: 128 })
  requestedBy: string;

  /** A pending or failed job is not claimed before this (the retry backoff). */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  /** While running: until when the claim holds; past it, another runner takes the job over (a crashed node). */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
