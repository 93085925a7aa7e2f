import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Database } from '../../database/database.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import { USER_COLUMNS_SQL, userFromRow, type UserRow } from '../users/entities/user-row.js';
import { GroupMemberEntity } from './entities/group-member.entity.js';
import { GroupEntity } from './entities/group.entity.js';
import { EVERYONE_GROUP_NAME, everyoneGroupId } from './everyone-group.js';
import { GROUP_COLUMNS_SQL, groupFromRow, type GroupRow } from './group-row.js';

/** A group whose allowance counts toward a user's workspace quota budget. */
export interface GroupAllowance {
  group_id: string;
  group_name: string;
  organization_id: string;
  allowance: number;
}

/**
 * The one owner of `groups` and `group_members`: every group and membership read and write goes
 * through here, and the Everyone group (src/core/groups/everyone-group.ts) is handled only here:
 * its members are the organization's, never rows.
 */
/**
 * The non-deleted, not suspended members of the groups `$1` (uuid[]): explicit members, and for
 * Everyone groups (id = organization id) the organization's members. One row per member, with the
 * ids of its groups among `$1` comma-separated (`member_group_ids`), in lower(username) order.
 * Exported for the scale bench's EXPLAIN.
 */
export const MEMBERS_OF_GROUPS_SQL = `SELECT ${USER_COLUMNS_SQL}, m.group_ids AS member_group_ids
  FROM (SELECT x.user_id, string_agg(x.group_id::text, ',') AS group_ids
          FROM (SELECT gm.group_id, gm.user_id FROM group_members gm WHERE gm.group_id = ANY($1::uuid[])
                UNION ALL
                SELECT om.organization_id AS group_id, om.user_id FROM organization_members om
                 WHERE om.organization_id = ANY($1::uuid[])) x
         GROUP BY x.user_id) m
  JOIN users u ON u.id = m.user_id
 WHERE u.deleted = false AND u.status <> 'suspended'
 ORDER BY lower(u.username) ASC`;

@Injectable()
export class GroupsRepository {
  constructor(private readonly db: Database) {}

  async getGroupById(id: string): Promise<GroupEntity | null> {
    const rows: GroupRow[] = await this.db.select(`SELECT ${GROUP_COLUMNS_SQL} FROM groups g WHERE g.id = $1`, [id]);
    return rows.length > 0 ? groupFromRow(rows[0]) : null;
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
    const rows: GroupRow[] = await this.db.select(
      `SELECT ${GROUP_COLUMNS_SQL} FROM groups g WHERE g.organization_id = $1
        ORDER BY (g.id = g.organization_id) DESC, g.name ASC`,
      [organizationId],
    );
    return rows.map(groupFromRow);
  }

  /** Those of `ids` that are groups of the organization (any order). */
  listGroupsOfOrgByIds(organizationId: string, ids: string[]): Promise<GroupEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.manager.findBy(GroupEntity, { id: In(ids), organizationId });
  }

  async insertGroup(group: GroupEntity): Promise<GroupEntity> {
    await this.db.manager.insert(GroupEntity, group);
    return group;
  }

  /** A new organization's Everyone group (no member rows: its members are the organization's). */
  async insertEveryoneGroup(organizationId: string): Promise<void> {
    await this.db.manager.insert(GroupEntity, {
      id: everyoneGroupId(organizationId),
      name: EVERYONE_GROUP_NAME,
      displayName: '',
      organizationId,
      avatarUrl: '',
      quotaAllowance: 0,
      source: 'user',
    });
  }

  async updateGroup(group: GroupEntity): Promise<void> {
    await this.db.manager.update(
      GroupEntity,
      { id: group.id },
      {
        name: group.name,
        displayName: group.displayName,
        avatarUrl: group.avatarUrl,
        quotaAllowance: group.quotaAllowance,
      },
    );
  }

  async deleteGroup(id: string): Promise<void> {
    await this.db.manager.delete(GroupEntity, { id });
  }

  /**
   * Non-deleted members of several groups that are not suspended (active or dormant: a dormant user
   * is still a member) in ONE query: explicit members from group_members, and for Everyone groups
   * (id = organization id) the organization's members. Each member comes once, with the ids of its
   * groups among `groupIds`, not once per membership: a list of 1,000 groups sharing 50 members
   * parses 50 user rows, not 50,000 (the per-membership rows made date parsing and garbage
   * collection most of the groups list's time). Each group's members are in lower(username) order.
   */
  async membersOfGroups(groupIds: string[]): Promise<Map<string, UserEntity[]>> {
    const result = new Map<string, UserEntity[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return result;
    // The group ids as one comma-separated text: split natively, where a uuid[] of 50,000 elements
    // is parsed character by character (postgres-array: ~100 ms of a 1,000-group list).
    const rows: (UserRow & { member_group_ids: string })[] = await this.db.select(MEMBERS_OF_GROUPS_SQL, [groupIds]);
    for (const row of rows) {
      const user = userFromRow(row);
      for (const groupId of row.member_group_ids.split(',')) result.get(groupId)?.push(user);
    }
    return result;
  }

  async explicitMemberIds(groupId: string): Promise<string[]> {
    const rows = await this.db.manager.findBy(GroupMemberEntity, { groupId });
    return rows.map((r) => r.userId);
  }

  /** Which of `userIds` are (non-deleted) members of the organization, i.e. may join its groups. */
  async organizationMembersAmong(organizationId: string, userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows: { user_id: string }[] = await this.db.manager.query(
      `SELECT om.user_id FROM organization_members om JOIN users u ON u.id = om.user_id
        WHERE om.organization_id = $1 AND om.user_id = ANY($2::uuid[]) AND u.deleted = false`,
      [organizationId, userIds],
    );
    return new Set(rows.map((r) => r.user_id));
  }

  async addMembers(groupId: string, userIds: string[]): Promise<void> {
    if (userIds.length > 0)
      await this.db.manager.insert(
        GroupMemberEntity,
        userIds.map((userId) => ({ groupId, userId })),
      );
  }

  async removeMembers(groupId: string, userIds: string[]): Promise<void> {
    if (userIds.length > 0) await this.db.manager.delete(GroupMemberEntity, { groupId, userId: In(userIds) });
  }

  /**
   * The groups whose allowance adds up to a user's budget: the groups the user is in, and the
   * Everyone group of each organization the user belongs to. (Coder adds every organization's
   * Everyone group, members or not; that over-counts with several organizations.)
   */
  listAllowancesOfUser(userId: string): Promise<GroupAllowance[]> {
    return this.db.manager.query(
      `SELECT g.id AS group_id, g.name AS group_name, g.organization_id, g.quota_allowance AS allowance
         FROM groups g
        WHERE g.id IN (SELECT gm.group_id FROM group_members gm WHERE gm.user_id = $1)
           OR g.id IN (SELECT om.organization_id FROM organization_members om WHERE om.user_id = $1)
        ORDER BY (g.id = g.organization_id) DESC, g.name, g.id`,
      [userId],
    );
  }

  /** Each user's explicit groups in the organization (Everyone aside), as id and shown name. */
  async groupsOfUsersInOrganization(
    organizationId: string,
    userIds: string[],
  ): Promise<Map<string, { id: string; display: string }[]>> {
    const out = new Map<string, { id: string; display: string }[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return out;
    const rows: { user_id: string; id: string; display: string }[] = await this.db.manager.query(
      `SELECT gm.user_id, g.id, COALESCE(NULLIF(g.display_name, ''), g.name) AS display
         FROM group_members gm JOIN groups g ON g.id = gm.group_id
        WHERE gm.user_id = ANY($2::uuid[]) AND g.organization_id = $1 AND g.id <> g.organization_id
        ORDER BY display, g.id`,
      [organizationId, userIds],
    );
    for (const r of rows) out.get(r.user_id)?.push({ id: r.id, display: r.display });
    return out;
  }

  /** Which of `names` (compared lower-cased) other groups of the organization use. */
  async takenGroupNames(organizationId: string, names: string[], exceptId?: string): Promise<Set<string>> {
    const rows: { name: string }[] = await this.db.manager.query(
      `SELECT lower(name) AS name FROM groups WHERE organization_id = $1 AND lower(name) = ANY($2::text[]) AND id <> $3`,
      [organizationId, names.map((n) => n.toLowerCase()), exceptId ?? '00000000-0000-0000-0000-000000000000'],
    );
    return new Set(rows.map((r) => r.name));
  }

  /** Another group of the organization (Everyone aside) shown as `displayName`, compared case-insensitively. */
  async groupIdShownAs(organizationId: string, displayName: string, exceptId?: string): Promise<string | undefined> {
    const rows: { id: string }[] = await this.db.manager.query(
      `SELECT g.id FROM groups g
        WHERE g.organization_id = $1 AND g.id <> g.organization_id
          AND lower(COALESCE(NULLIF(g.display_name, ''), g.name)) = lower($2) AND g.id <> $3 LIMIT 1`,
      [organizationId, displayName, exceptId ?? '00000000-0000-0000-0000-000000000000'],
    );
    return rows[0]?.id;
  }
}
