import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { TemplateEntity } from './template.entity.js';
import { ProvisionerJobEntity } from '../../provisioning/entities/provisioner-job.entity.js';
import { OrganizationEntity } from '../../organizations/entities/organization.entity.js';

/** Coder's `template_versions`: a file imported by a provisioner job, optionally attached to a template. */
@Entity('template_versions')
@Index('template_versions_template_id_idx', ['templateId'])
// A version by its import job: the job views read an import job's version through it.
@Index('template_versions_job_id_idx', ['jobId'])
export class TemplateVersionEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { nullable: true })
  templateId: string | null;

  @Column('uuid')
  organizationId: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;

  @Column('text')
  name: string;

  @Column('text', { default: '' })
  message: string;

  @Column('text', { default: '' })
  readme: string;

  @Column('uuid')
  jobId: string;

  @Column('uuid')
  createdBy: string;

  @Column('boolean', { default: false })
  archived: boolean;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<OrganizationEntity>;

  @ManyToOne(() => ProvisionerJobEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'job_id' })
  job?: Relation<ProvisionerJobEntity>;

  @ManyToOne(() => TemplateEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'template_id' })
  template?: Relation<TemplateEntity>;
}
