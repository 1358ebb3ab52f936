import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { ProjectEntity } from './project.entity';

/** The source of truth for profiles; every change is mirrored to ClickHouse `profiles`. */
@Entity('profiles')
export class ProfileEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 128 })
  projectId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  id: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column({ name: 'first_name', type: 'varchar', length: 255, nullable: true })
  firstName: string | null;

  @Column({ name: 'last_name', type: 'varchar', length: 255, nullable: true })
  lastName: string | null;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  avatar: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  properties: Record<string, unknown>;

  /** Ids of the groups the profile was assigned to (`assign_group`). */
  @Column({ type: 'varchar', length: 255, array: true, default: () => "'{}'" })
  groups: string[];

  /**
   * Bumped by every change in the same statement, so the ClickHouse mirror (a
   * ReplacingMergeTree on this version) always keeps the latest state, even when two API
   * nodes change one profile at once. bigint arrives as a string from the driver.
   */
  @Column({ type: 'bigint', default: '0' })
  version: string;

  /** true when the id came from the customer (identify), false for device-derived ids. */
  @Column({ name: 'is_external', type: 'boolean', default: true })
  isExternal: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
