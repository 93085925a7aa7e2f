import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OrganizationEntity } from '../../organizations/entities/organization.entity.js';

/** Role names stored in the ACLs: Coder keeps action lists (`["read"]` = use, `["*"]` = admin). */
export type TemplateAcl = Record<string, string[]>;

/** Coder's `templates`. Names are unique per organization among non-deleted templates. */
@Entity('templates')
@Index('templates_organization_id_name_idx', { synchronize: false })
export class TemplateEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;

  @Column('uuid')
  organizationId: string;

  @Column('boolean', { default: false })
  deleted: boolean;

  @Column('text')
  name: string;

  @Column('text', { default: '' })
  displayName: string;

  @Column('text')
  provisioner: string;

  @Column('uuid')
  activeVersionId: string;

  @Column('text', { default: '' })
  description: string;

  @Column('text', { default: '' })
  icon: string;

  /** Nanoseconds, as Coder stores them. */
  @Column('bigint', { default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  defaultTtl: number;

  @Column('bigint', { default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  maxTtl: number;

  @Column('uuid')
  createdBy: string;

  @Column('jsonb', { default: () => `'{}'` })
  userAcl: TemplateAcl;

  @Column('jsonb', { default: () => `'{}'` })
  groupAcl: TemplateAcl;

  @Column('boolean', { default: true })
  allowUserCancelWorkspaceJobs: boolean;

  @Column('boolean', { default: true })
  allowUserAutostart: boolean;

  @Column('boolean', { default: true })
  allowUserAutostop: boolean;

  @Column('bigint', { default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  failureTtl: number;

  @Column('bigint', { default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  inactivityTtl: number;

  @Column('bigint', { default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  lockedTtl: number;

  @Column('smallint', { default: 0 })
  restartRequirementDaysOfWeek: number;

  @Column('bigint', { default: 1, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  restartRequirementWeeks: number;

  /** Nanoseconds a workspace's deadline moves on activity (Coder's default: one hour). */
  @Column('bigint', {
    default: 3_600_000_000_000,
    transformer: { to: (v: number) => v, from: (v: string) => Number(v) },
  })
  activityBump: number;

  /** Nanoseconds before an autostop deadline at which Coder sends a reminder (0 = none); stored only. */
  @Column('bigint', { default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  timeTilAutostopNotify: number;

  /** Weekdays (Monday = bit 0) on which workspaces may autostart; all seven by default. */
  @Column('smallint', { default: 127 })
  autostartAllowedDays: number;

  @Column('boolean', { default: false })
  requireActiveVersion: boolean;

  /** Non-empty: the template is deprecated, and this is why. */
  @Column('text', { default: '' })
  deprecationMessage: string;

  /** `owner`, `authenticated`, `organization` or `public`. */
  @Column('text', { default: 'owner' })
  maxPortShareLevel: string;

  /** `simple` or `passthru`. */
  @Column('text', { default: 'simple' })
  corsBehavior: string;

  @Column('boolean', { default: false })
  useClassicParameterFlow: boolean;

  @Column('boolean', { default: true })
  agentsAllowed: boolean;

  @Column('boolean', { default: false })
  disableModuleCache: boolean;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<OrganizationEntity>;

  // The version entity by name, not by import: template-version.entity.ts imports this file (a
  // version belongs to a template), and an import back would make the two a cycle. Never loaded;
  // the relation declares the foreign key.
  @ManyToOne('TemplateVersionEntity', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'active_version_id' })
  activeVersion?: object;
}
