import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from './organization.entity';

/**
 * What can be audited. The issue names the erasure and import actions too: they are listed
 * here so that the route's `action` filter accepts them once their parts record them.
 */
export const AUDIT_ACTIONS = [
  'organization.create',
  'project.create',
  'project.update',
  'project.delete',
  'client.create',
  'client.update',
  'client.delete',
  'reference.create',
  'reference.update',
  'reference.delete',
  'event_meta.create',
  'event_meta.update',
  'event_meta.delete',
  'erasure.request',
  'import.run',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = ['organization', 'project', 'client', 'reference', 'event_meta', 'erasure', 'import'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/**
 * One change made through /manage (or the CLI, an erasure, an import), written in the same
 * transaction as the change itself. `changes` names the fields that changed, never their
 * values (so never a secret or its hash). No foreign key on the client or the project: the
 * record outlives them. Listed newest first by (time, id): the indexes serve that order by a
 * backward scan; `time` has millisecond precision so a cursor carries it exactly.
 */
@Entity('audit_log')
@Index('IDX_audit_log_org_time', ['organizationId', 'time', 'id'])
@Index('IDX_audit_log_org_project_time', ['organizationId', 'projectId', 'time', 'id'])
@Index('IDX_audit_log_org_action_time', ['organizationId', 'action', 'time', 'id'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  time: Date;

  @Column({ name: 'organization_id', type: 'varchar', length: 128 })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  /** The client that made the change; null for the command line. */
  @Column({ name: 'client_id', type: 'uuid', nullable: true })
  clientId: string | null;

  @Column({ type: 'varchar', length: 64 })
  action: AuditAction;

  @Column({ name: 'target_type', type: 'varchar', length: 32 })
  targetType: AuditTargetType;

  @Column({ name: 'target_id', type: 'varchar', length: 255 })
  targetId: string;

  @Column({ name: 'project_id', type: 'varchar', length: 128, nullable: true })
  projectId: string | null;

  /** Names of the fields that changed (for a creation, those set). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  changes: string[];
}
