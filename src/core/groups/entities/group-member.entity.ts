import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity.js';
import { GroupEntity } from './group.entity.js';

/** Coder's `group_members`. The Everyone group never has rows: its members are the organization's. */
@Entity('group_members')
export class GroupMemberEntity {
  @PrimaryColumn('uuid')
  groupId: string;

  @Index('group_members_user_id_idx')
  @PrimaryColumn('uuid')
  userId: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<GroupEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<UserEntity>;
}
