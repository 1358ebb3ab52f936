import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { OrganizationEntity } from './organization.entity';

export type ProjectType = 'website' | 'app' | 'backend';

@Entity('projects')
export class ProjectEntity {
  /** A slug of the name; a `-NNNN` suffix on collision. */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  @Index()
  @Column({ name: 'organization_id', type: 'varchar', length: 128 })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  domain: string | null;

  /** Origins allowed to send events without a secret. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  cors: string[];

  @Column({ name: 'cross_domain', type: 'boolean', default: false })
  crossDomain: boolean;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  types: ProjectType[];

  @Column({ type: 'varchar', length: 64, nullable: true })
  timezone: string | null;

  /**
   * Days events are kept; null keeps them forever. Older events are deleted by the retention
   * pass (src/manage/projects/project-retention.service.ts).
   */
  @Column({ name: 'retention_days', type: 'integer', nullable: true })
  retentionDays: number | null;

  /** Lets browser clients without a secret send `__revenue`. */
  @Column({ name: 'allow_unsafe_revenue', type: 'boolean', default: false })
  allowUnsafeRevenue: boolean;

  /**
   * Not a column: counted in ClickHouse when the project is shown (ProjectEventCountsService),
   * so it is exact and never stale. Undefined on a project loaded for any other use.
   */
  eventsCount?: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** Soft delete: set, the project is hidden and its clients refused; hard-deleted once past. */
  @Column({ name: 'delete_at', type: 'timestamptz', nullable: true })
  deleteAt: Date | null;
}
