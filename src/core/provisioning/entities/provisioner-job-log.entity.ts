import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { ProvisionerJobEntity } from './provisioner-job.entity.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_SOURCES = ['provisioner_daemon', 'provisioner'] as const;
export type LogSource = (typeof LOG_SOURCES)[number];

/** Coder's `provisioner_job_logs`: an ordered, append-only stream per job. */
@Entity('provisioner_job_logs')
@Index('provisioner_job_logs_job_id_id_idx', ['jobId', 'id'])
export class ProvisionerJobLogEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column('uuid')
  jobId: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('text')
  source: LogSource;

  @Column('text')
  level: LogLevel;

  @Column('text', { default: '' })
  stage: string;

  @Column('text')
  output: string;

  @ManyToOne(() => ProvisionerJobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id' })
  job?: Relation<ProvisionerJobEntity>;
}
