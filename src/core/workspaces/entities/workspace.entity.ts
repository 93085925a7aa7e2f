import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity.js';
import { TemplateEntity } from '../../templates/entities/template.entity.js';
import { OrganizationEntity } from '../../organizations/entities/organization.entity.js';

export const AUTOMATIC_UPDATES = ['always', 'never'] as const;
export type AutomaticUpdates = (typeof AUTOMATIC_UPDATES)[number];

/** Coder's `workspaces`. Names are unique per owner among non-deleted workspaces. */
@Entity('workspaces')
@Index('workspaces_owner_id_name_idx', { synchronize: false })
@Index('workspaces_template_id_idx', ['templateId'])
export class WorkspaceEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;

  @Column('uuid')
  ownerId: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  templateId: string;

  @Column('boolean', { default: false })
  deleted: boolean;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  autostartSchedule: string | null;

  /** Nanoseconds. */
  @Column('bigint', {
    nullable: true,
    transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  ttl: number | null;

  @Column('timestamptz')
  lastUsedAt: Date;

  @Column('text', { default: 'never' })
  automaticUpdates: AutomaticUpdates;

  /** Set by the owner (`PUT /workspaces/{workspace}/favorite`); shown to, and listed first for, the owner only. */
  @Column('boolean', { default: false })
  favorite: boolean;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Relation<UserEntity>;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<OrganizationEntity>;

  @ManyToOne(() => TemplateEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'template_id' })
  template?: Relation<TemplateEntity>;
}
