import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity.js';
import { OrganizationEntity } from './organization.entity.js';

/**
 * Coder's `organization_members`. `roles` holds explicit organization roles by bare name
 * (`organization-admin`); `organization-member` is implied by the row itself.
 */
@Entity('organization_members')
export class OrganizationMemberEntity {
  @PrimaryColumn('uuid')
  organizationId: string;

  @Index('organization_members_user_id_idx')
  @PrimaryColumn('uuid')
  userId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<OrganizationEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<UserEntity>;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;

  @Column('text', { array: true, default: () => `'{}'` })
  roles: string[];
}
