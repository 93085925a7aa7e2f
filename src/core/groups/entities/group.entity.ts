import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { OrganizationEntity } from '../../organizations/entities/organization.entity.js';

/**
 * Coder's `groups`. Every organization has an "Everyone" group whose id equals the organization id;
 * its members are implicit (all organization members), so it never has member rows.
 */
@Entity('groups')
@Unique('groups_name_organization_id_key', ['name', 'organizationId'])
export class GroupEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { default: '' })
  displayName: string;

  @Column('uuid')
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<OrganizationEntity>;

  @Column('text', { default: '' })
  avatarUrl: string;

  @Column('integer', { default: 0 })
  quotaAllowance: number;

  @Column('text', { default: 'user' })
  source: string;
}
