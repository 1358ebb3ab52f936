import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ProjectEntity } from './project.entity';

/**
 * Another id that stands for a profile (`alias` on /track, PostHog `$create_alias`, Segment
 * `alias`): events sent later under `alias` are attributed to `profileId`.
 */
@Entity('profile_aliases')
@Index(['projectId', 'profileId'])
export class ProfileAliasEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 128 })
  projectId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  alias: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column({ name: 'profile_id', type: 'varchar', length: 255 })
  profileId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
