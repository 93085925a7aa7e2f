import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ProvisionerJobEntity } from './provisioner-job.entity.js';

/** Coder's `workspace_resources`: what a job (template import or build) planned or created. */
@Entity('workspace_resources')
@Index('workspace_resources_job_id_idx', ['jobId'])
export class WorkspaceResourceEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('uuid')
  jobId: string;

  @Column('text')
  transition: string;

  @Column('text')
  type: string;

  @Column('text')
  name: string;

  @Column('boolean', { default: false })
  hide: boolean;

  @Column('text', { default: '' })
  icon: string;

  @Column('text', { nullable: true })
  instanceType: string | null;

  @Column('integer', { default: 0 })
  dailyCost: number;

  @ManyToOne(() => ProvisionerJobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id' })
  job?: Relation<ProvisionerJobEntity>;
}
