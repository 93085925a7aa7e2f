import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OrganizationEntity } from '../../organizations/entities/organization.entity.js';

/**
 * Coder's `provisioner_daemons`: built-in daemons (one row per in-process daemon, serving every
 * organization) and external ones (one row per WebSocket session, for one organization).
 */
@Entity('provisioner_daemons')
@Index('provisioner_daemons_key_id_idx', ['keyId'])
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

  /** The provisioner daemon API version the daemon speaks (Coder's `api_version`). */
  @Column('text', { default: '1.0' })
  apiVersion: string;

  /**
   * The provisioner key it connected with: a `provisioner_keys` id, or one of Coder's reserved ids
   * (src/core/provisioning/provisioner-key-ids.ts) for built-in, session and pre-shared-key daemons.
   */
  @Column('uuid')
  keyId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<OrganizationEntity>;
}
