import { notEveryoneGroupSql } from './everyone-group.js';

/**
 * Membership reads for other owners' single-statement queries, written by the owner of `groups`
 * and `group_members` (src/core/groups/groups.repository.ts). The per-request session lookup and
 * SCIM's filtered views compose these into one statement (one round trip), so the SQL that knows
 * the membership tables and the Everyone rule still lives only in this folder.
 */

/** `text[]` of the explicit groups of the user whose id is the SQL expression `userId`. */
export function explicitGroupIdsSql(userId: string): string {
  return `ARRAY(SELECT gm.group_id::text FROM group_members gm WHERE gm.user_id = ${userId})`;
}

/**
 * `FROM … WHERE …` over the explicit groups (aliased `g`, membership `gm`) of the user `userId`
 * in the organization `organizationId` (SQL expressions), Everyone aside.
 */
export function explicitMembershipsSql(userId: string, organizationId: string): string {
  return `FROM group_members gm JOIN groups g ON g.id = gm.group_id
        WHERE gm.user_id = ${userId} AND g.organization_id = ${organizationId} AND ${notEveryoneGroupSql('g')}`;
}

/** `FROM group_members gm`: the explicit memberships, for joins that add the member's user row. */
export const GROUP_MEMBERSHIPS_FROM = 'FROM group_members gm';
