import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OrganizationEntity } from '../../organizations/entities/organization.entity.js';

/**
 * Coder's `provisioner_daemons`: built-in daemons (one row per in-process daemon, serving every
 * organization) and external ones (one row per WebSocket session, for one organization).
 */
@Entity('provisioner_daemons')
export class ProvisionerDaemonEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  updatedAt: Date | null;

  @Column('timestamptz')
  lastSeenAt: Date;

  /** Set when the daemon disconnects (external) or its server stops (built-in). */
  @Column('timestamptz', { nullable: true })
  disconnectedAt: Date | null;

  @Column('text')
  name: string;

  @Column('text', { array: true })
  provisioners: string[];

  @Column('jsonb', { default: () => `'{}'` })
  tags: Record<string, string>;

  /** Null for built-in daemons, which serve every organization. */
  @Column('uuid', { nullable: true })
  organizationId: string | null;

  @Column('boolean', { default: false })
  builtin: boolean;

  @Column('text', { default: '' })
  version: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<OrganizationEntity>;
}
