import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { ProjectEntity } from './project.entity';

/** What a project says about one of its event names: shown by `/export/events?includes=meta`. */
@Entity('event_meta')
export class EventMetaEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 128 })
  projectId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  name: string;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** Marks the event as a conversion (a goal) in charts and lists. */
  @Column({ type: 'boolean', default: false })
  conversion: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
