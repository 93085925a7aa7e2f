import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OrganizationEntity } from '../../organizations/entities/organization.entity.js';
import { FileEntity } from '../../files/entities/file.entity.js';

export const JOB_TYPES = ['template_version_import', 'workspace_build'] as const;
export type JobType = (typeof JOB_TYPES)[number];
export const PROVISIONER_TYPES = ['echo', 'terraform'] as const;
export type ProvisionerType = (typeof PROVISIONER_TYPES)[number];

/** What a job needs beyond its file: the version or build it belongs to. */
export interface JobInput {
  template_version_id?: string;
  workspace_build_id?: string;
  /** Template variables given when the version was created (kept as Coder keeps them). */
  user_variable_values?: { name: string; value: string }[];
  /** Workspace parameters given with the build. */
  rich_parameter_values?: { name: string; value: string }[];
}

/** Coder's `provisioner_jobs`. Status is derived from the timestamps and `error`. */
@Entity('provisioner_jobs')
@Index('provisioner_jobs_pending_idx', ['provisioner', 'createdAt'], { where: 'started_at IS NULL' })
/** The queue in acquisition order (JobsRepository.acquireJob). */
@Index('provisioner_jobs_queue_idx', ['createdAt', 'id'], { where: 'started_at IS NULL AND canceled_at IS NULL' })
@Index('provisioner_jobs_worker_id_idx', ['workerId'])
/** A daemon's latest completed job (the daemon list's `previous_job`). */
@Index('provisioner_jobs_worker_id_completed_at_idx', ['workerId', 'completedAt'], {
  where: 'completed_at IS NOT NULL',
})
/** The organization's job list, newest first. */
@Index('provisioner_jobs_organization_id_created_at_idx', ['organizationId', 'createdAt'])
export class ProvisionerJobEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;

  @Column('timestamptz', { nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  canceledAt: Date | null;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('text', { nullable: true })
  errorCode: string | null;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  initiatorId: string;

  @Column('text')
  provisioner: ProvisionerType;

  @Column('text', { default: 'file' })
  storageMethod: string;

  @Column('text')
  type: JobType;

  @Column('jsonb')
  input: JobInput;

  /** The provisioner daemon running (or that ran) the job. */
  @Column('uuid', { nullable: true })
  workerId: string | null;

  @Column('uuid')
  fileId: string;

  /** A daemon may take the job only if it has every one of these tags. */
  @Column('jsonb', { default: () => `'{}'` })
  tags: Record<string, string>;

  /** Set when log lines were dropped for exceeding the per-job limit (Coder's `logs_overflowed`). */
  @Column('boolean', { default: false })
  logsOverflowed: boolean;

  @ManyToOne(() => FileEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'file_id' })
  file?: Relation<FileEntity>;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<OrganizationEntity>;
}
