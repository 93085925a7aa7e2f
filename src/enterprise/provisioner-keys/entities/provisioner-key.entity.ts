import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OrganizationEntity } from '../../../core/organizations/entities/organization.entity.js';

/**
 * Coder's `provisioner_keys`: an organization's credential for external provisioner daemons, with
 * the tags its daemons serve. Only the secret's sha256 is kept. Names are stored lower-cased (as
 * Coder stores them), so the unique index makes them case-insensitively unique per organization.
 */
@Entity('provisioner_keys')
@Index('provisioner_keys_organization_id_name_idx', ['organizationId', 'name'], { unique: true })
@Index('provisioner_keys_hashed_secret_idx', ['hashedSecret'], { unique: true })
export class ProvisionerKeyEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('uuid')
  organizationId: string;

  @Column('varchar', { length: 64 })
  name: string;

  @Column('bytea')
  hashedSecret: Buffer;

  @Column('jsonb', { default: () => `'{}'` })
  tags: Record<string, string>;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<OrganizationEntity>;
}
