import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Daily rotating salts for device ids; the previous day's is still honoured. */
@Entity('salts')
export class SaltEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  salt: string;

  /** The UTC day this salt belongs to. */
  @Column({ type: 'date', unique: true })
  day: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
