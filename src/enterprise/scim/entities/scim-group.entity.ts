import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { GroupEntity } from '../../../core/groups/entities/group.entity.js';

/**
 * SCIM metadata of every group: `externalId` and the `meta.created`/`meta.lastModified` times,
 * which Coder's `groups` table lacks. Database triggers (see the ScimProvisioning migration)
 * insert a row for each new group and bump `updated_at` whenever the group or its members
 * change, also through Coder's own API.
 */
@Entity('scim_groups')
export class ScimGroupEntity {
  @PrimaryColumn('uuid')
  groupId: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<GroupEntity>;

  @Index('scim_groups_external_id_idx')
  @Column('text', { nullable: true })
  externalId: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}
