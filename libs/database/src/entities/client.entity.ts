import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { OrganizationEntity } from './organization.entity';
import { ProjectEntity } from './project.entity';

export const CLIENT_MODES = ['write', 'read', 'root'] as const;
export type ClientMode = (typeof CLIENT_MODES)[number];

@Entity('clients')
export class ClientEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 8 })
  mode: ClientMode;

  /** scrypt, stored as `salt.hash` (hex); the secret itself is never stored. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 255 })
  secretHash: string;

  /** null = organisation-wide (typical for root clients). */
  @Index()
  @Column({ name: 'project_id', type: 'varchar', length: 128, nullable: true })
  projectId: string | null;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity | null;

  @Index()
  @Column({ name: 'organization_id', type: 'varchar', length: 128 })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  /** Ingestion without secret or origin check (capture SDKs whose keys are public by design). */
  @Column({ type: 'boolean', default: false })
  public: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
