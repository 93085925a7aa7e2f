import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { GroupMemberEntity } from '../../core/groups/entities/group-member.entity.js';
import { GroupEntity } from '../../core/groups/entities/group.entity.js';
import { UserEntity } from '../../core/users/entities/user.entity.js';

@Injectable()
export class GroupsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  getGroupById(id: string, manager: EntityManager = this.db.manager): Promise<GroupEntity | null> {
    return manager.findOneBy(GroupEntity, { id });
  }

  getGroupByOrgAndName(organizationId: string, name: string): Promise<GroupEntity | null> {
    return this.db.manager.findOneBy(GroupEntity, { organizationId, name });
  }

  listGroupsNamed(name: string, organizationIds: string[]): Promise<GroupEntity[]> {
    if (organizationIds.length === 0) return Promise.resolve([]);
    return this.db.manager.findBy(GroupEntity, { name, organizationId: In(organizationIds) });
  }

  /** The organization's groups, Everyone first, then by name. */
  async listGroupsOfOrg(organizationId: string): Promise<GroupEntity[]> {
    return this.db.manager
      .createQueryBuilder(GroupEntity, 'g')
      .where('g.organization_id = :organizationId', { organizationId })
      .orderBy('(g.id = g.organization_id)', 'DESC')
      .addOrderBy('g.name', 'ASC')
      .getMany();
  }

  async insertGroup(manager: EntityManager, group: GroupEntity): Promise<GroupEntity> {
    await manager.insert(GroupEntity, group);
    return group;
  }

  async updateGroup(manager: EntityManager, group: GroupEntity): Promise<void> {
    await manager.update(
      GroupEntity,
      { id: group.id },
      { name: group.name, displayName: group.displayName, avatarUrl: group.avatarUrl, quotaAllowance: group.quotaAllowance },
    );
  }

  async deleteGroup(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(GroupEntity, { id });
  }

  /**
   * Active, non-deleted members of several groups in ONE query: explicit members from
   * group_members, and for Everyone groups (id = organization id) the organization's members.
   */
  async membersOfGroups(groupIds: string[], manager: EntityManager = this.db.manager): Promise<Map<string, UserEntity[]>> {
    const result = new Map<string, UserEntity[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return result;
    const rows = await manager
      .createQueryBuilder(UserEntity, 'u')
      .innerJoin(
        `(SELECT gm.group_id, gm.user_id FROM group_members gm WHERE gm.group_id = ANY(:ids)
          UNION ALL
          SELECT om.organization_id AS group_id, om.user_id FROM organization_members om WHERE om.organization_id = ANY(:ids))`,
        'm',
        'm.user_id = u.id',
      )
      .addSelect('m.group_id', 'member_group_id')
      .where("u.deleted = false AND u.status = 'active'")
      .setParameter('ids', groupIds)
      .orderBy('lower(u.username)', 'ASC')
      .getRawAndEntities();
    // getRawAndEntities de-duplicates entities by id; pair raw rows with entities by user id instead.
    const byId = new Map(rows.entities.map((u) => [u.id, u]));
    for (const raw of rows.raw as { u_id: string; member_group_id: string }[]) {
      const user = byId.get(raw.u_id);
      if (user) result.get(raw.member_group_id)?.push(user);
    }
    return result;
  }

  async explicitMemberIds(manager: EntityManager, groupId: string): Promise<string[]> {
    const rows = await manager.findBy(GroupMemberEntity, { groupId });
    return rows.map((r) => r.userId);
  }

  /** Which of `userIds` are (non-deleted) members of the organization. */
  async organizationMembersAmong(manager: EntityManager, organizationId: string, userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows: { user_id: string }[] = await manager.query(
      `SELECT om.user_id FROM organization_members om JOIN users u ON u.id = om.user_id
        WHERE om.organization_id = $1 AND om.user_id = ANY($2::uuid[]) AND u.deleted = false`,
      [organizationId, userIds],
    );
    return new Set(rows.map((r) => r.user_id));
  }

  async addMembers(manager: EntityManager, groupId: string, userIds: string[]): Promise<void> {
    if (userIds.length > 0) await manager.insert(GroupMemberEntity, userIds.map((userId) => ({ groupId, userId })));
  }

  async removeMembers(manager: EntityManager, groupId: string, userIds: string[]): Promise<void> {
    if (userIds.length > 0) await manager.delete(GroupMemberEntity, { groupId, userId: In(userIds) });
  }
}
