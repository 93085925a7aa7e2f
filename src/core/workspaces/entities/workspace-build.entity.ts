import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { WorkspaceEntity } from './workspace.entity.js';
import { TemplateVersionEntity } from '../../templates/entities/template-version.entity.js';
import { ProvisionerJobEntity } from '../../provisioning/entities/provisioner-job.entity.js';

export const TRANSITIONS = ['start', 'stop', 'delete'] as const;
export type Transition = (typeof TRANSITIONS)[number];

/** Coder's `workspace_builds`. `daily_cost` is what the quota committer accepted for this build. */
@Entity('workspace_builds')
@Unique('workspace_builds_workspace_id_build_number_key', ['workspaceId', 'buildNumber'])
@Unique('workspace_builds_job_id_key', ['jobId'])
export class WorkspaceBuildEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;

  @Index('workspace_builds_workspace_id_idx')
  @Column('uuid')
  workspaceId: string;

  @Column('uuid')
  templateVersionId: string;

  @Column('integer')
  buildNumber: number;

  @Column('text')
  transition: Transition;

  @Column('uuid')
  initiatorId: string;

  @Column('bytea', { default: () => `'\\x'` })
  provisionerState: Buffer;

  @Column('uuid')
  jobId: string;

  @Column('timestamptz', { nullable: true })
  deadline: Date | null;

  /** The latest the deadline may be (template autostop requirement and owner's quiet hours); null = none. */
  @Column('timestamptz', { nullable: true })
  maxDeadline: Date | null;

  @Column('text', { default: 'initiator' })
  reason: string;

  @Column('integer', { default: 0 })
  dailyCost: number;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id' })
  workspace?: Relation<WorkspaceEntity>;

  @ManyToOne(() => ProvisionerJobEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'job_id' })
  job?: Relation<ProvisionerJobEntity>;

  @ManyToOne(() => TemplateVersionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'template_version_id' })
  templateVersion?: Relation<TemplateVersionEntity>;
}
