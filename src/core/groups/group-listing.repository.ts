import { Injectable } from '@nestjs/common';
import type { Pagination } from '../../common/query.js';
import { Database } from '../../database/database.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import { USER_COLUMNS_SQL, userFromRow, type UserRow } from '../users/entities/user-row.js';
import { type UserFilter, userFilterConditions } from '../search/user-search.js';
import type { GroupEntity } from './entities/group.entity.js';
import { isEveryoneGroup } from './everyone-group.js';
import { GROUP_COLUMNS_SQL, groupFromRow, type GroupRow } from './group-row.js';

/** A group with what Coder's current Group object says about it beyond the row. */
export interface GroupSummary {
  group: GroupEntity;
  organizationName: string;
  organizationDisplayName: string;
  /** Non-deleted members, suspended ones included (Coder's group_members_expanded). */
  totalMemberCount: number;
}

/** Which groups the caller may see: all of them, or those of some organizations plus some single groups. */
export type GroupScope = { all: true } | { all: false; organizationIds: string[]; groupIds: string[] };

export interface GroupListFilter {
  organizationId?: string;
  hasMemberId?: string;
  groupIds?: string[];
  scope: GroupScope;
  /** A page in the list's order: `limit` groups (absent: all) after `offset`. */
  page?: { limit?: number; offset: number };
}

type SummaryRow = GroupRow & { organization_name: string; organization_display_name: string; total: number };

/**
 * The member set of the group aliased `g` as a condition on the user aliased `alias`: the
 * explicit members, or for an Everyone group the organization's members.
 */
function memberOfGroupSql(alias: string): string {
  return `CASE WHEN g.id = g.organization_id
            THEN EXISTS (SELECT 1 FROM organization_members om WHERE om.organization_id = g.organization_id AND om.user_id = ${alias})
            ELSE EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = g.id AND gm.user_id = ${alias}) END`;
}

/** `count(*)` of the group aliased `g`'s non-deleted members (correlated: one statement lists many groups). */
const MEMBER_COUNT_SQL = `CASE WHEN g.id = g.organization_id
   THEN (SELECT count(*) FROM organization_members om JOIN users cu ON cu.id = om.user_id
          WHERE om.organization_id = g.organization_id AND cu.deleted = false)
   ELSE (SELECT count(*) FROM group_members gm JOIN users cu ON cu.id = gm.user_id
          WHERE gm.group_id = g.id AND cu.deleted = false) END::int`;

/**
 * Groups with their organization's names and member counts. Parameters: $1 organization (or
 * null), $2 a member they must have (or null), $3 group ids (empty: any), $4 every group in scope,
 * else $5 organizations and $6 single groups the caller may see, $7 offset, $8 limit (null: all).
 * Exported for the scale bench's EXPLAIN.
 */
export const GROUP_SUMMARIES_SQL = `SELECT ${GROUP_COLUMNS_SQL}, o.name AS organization_name,
       o.display_name AS organization_display_name, ${MEMBER_COUNT_SQL} AS total
  FROM groups g JOIN organizations o ON o.id = g.organization_id
 WHERE ($1::uuid IS NULL OR g.organization_id = $1::uuid)
   AND ($2::uuid IS NULL OR (${memberOfGroupSql('$2::uuid')}
        AND EXISTS (SELECT 1 FROM users hu WHERE hu.id = $2::uuid AND hu.deleted = false)))
   AND (cardinality($3::uuid[]) = 0 OR g.id = ANY($3::uuid[]))
   AND ($4::boolean OR g.organization_id = ANY($5::uuid[]) OR g.id = ANY($6::uuid[]))
 ORDER BY lower(o.name), o.id, (g.id = g.organization_id) DESC, g.name ASC
OFFSET $7::bigint LIMIT $8::bigint`;

/**
 * The reads behind Coder's current group shapes: groups with their organization's names and member
 * counts, and one page of a group's members. Each is ONE statement whatever the number of groups
 * or members (the listing routes' statement count is fixed; test/e2e/groups-v2.e2e-spec.ts).
 */
@Injectable()
export class GroupListingRepository {
  constructor(private readonly db: Database) {}

  /**
   * Groups matching the filter within the scope, by organization name, Everyone first, then by
   * name; with a page, only its groups (the member counts are counted for those alone: PostgreSQL
   * evaluates the correlated counts after the sort and the limit).
   */
  async listGroupSummaries(filter: GroupListFilter): Promise<GroupSummary[]> {
    const scope = filter.scope;
    const rows: SummaryRow[] = await this.db.select(GROUP_SUMMARIES_SQL, [
      filter.organizationId ?? null,
      filter.hasMemberId ?? null,
      filter.groupIds ?? [],
      scope.all,
      scope.all ? [] : scope.organizationIds,
      scope.all ? [] : scope.groupIds,
      filter.page?.offset ?? 0,
      filter.page?.limit ?? null, // LIMIT NULL: every row
    ]);
    return rows.map((row) => ({
      group: groupFromRow(row),
      organizationName: row.organization_name,
      organizationDisplayName: row.organization_display_name,
      totalMemberCount: row.total,
    }));
  }

  /** The summaries of known groups (already resolved and checked by the caller), in `groups` order. */
  async summarize(groups: GroupEntity[]): Promise<GroupSummary[]> {
    if (groups.length === 0) return [];
    const found = await this.listGroupSummaries({ groupIds: groups.map((g) => g.id), scope: { all: true } });
    const byId = new Map(found.map((s) => [s.group.id, s]));
    // A group deleted meanwhile (DELETE answers the group as it was) keeps its own row and a zero count.
    return groups.map(
      (g) => byId.get(g.id) ?? { group: g, organizationName: '', organizationDisplayName: '', totalMemberCount: 0 },
    );
  }

  /**
   * One page of a group's non-deleted members in Coder's order (lower(username)), and how many
   * match the filter. As in Coder, `after_id` must name a member of the group (else the page is
   * empty) and is part of the filter, so `count` counts the members after the cursor.
   */
  async membersPage(
    group: GroupEntity,
    filter: UserFilter,
    page: Pagination,
  ): Promise<{ users: UserEntity[]; count: number }> {
    // $1: the group's id, or for an Everyone group its organization's (whose members it has).
    const params: unknown[] = [isEveryoneGroup(group) ? group.organizationId : group.id];
    const member = (alias: string) =>
      isEveryoneGroup(group)
        ? `EXISTS (SELECT 1 FROM organization_members om WHERE om.organization_id = $1::uuid AND om.user_id = ${alias}.id)`
        : `EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = $1::uuid AND gm.user_id = ${alias}.id)`;
    const where = [`u.deleted = false`, member('u')];
    const add = (sql: (p: string) => string, value: unknown) => where.push(sql(`$${params.push(value)}`));
    where.push(...userFilterConditions(filter, (value) => `$${params.push(value)}`));
    if (page.afterId) {
      add(
        (p) =>
          `lower(u.username) > (SELECT lower(x.username) FROM users x WHERE x.id = ${p}::uuid AND x.deleted = false AND ${member('x')})`,
        page.afterId,
      );
    }
    const whereSql = where.join(' AND ');
    const rows: (UserRow & { total: number })[] = await this.db.select(
      `SELECT ${USER_COLUMNS_SQL}, count(*) OVER ()::int AS total FROM users u WHERE ${whereSql}
        ORDER BY lower(u.username) ASC, u.id ASC OFFSET ${page.offset} LIMIT ${page.limit}`, // integers (parsePagination)
      params,
    );
    if (rows.length > 0 || page.offset === 0) return { users: rows.map(userFromRow), count: rows[0]?.total ?? 0 };
    // Past the last page: the window count saw no rows, so count apart (Coder answers 0 here).
    const counted: { total: number }[] = await this.db.select(
      `SELECT count(*)::int AS total FROM users u WHERE ${whereSql}`,
      params,
    );
    return { users: [], count: counted[0]?.total ?? 0 };
  }

  /** A non-deleted user by username (case-insensitive), with the organizations it belongs to. */
  async userByUsername(username: string): Promise<{ id: string; organizationIds: string[] } | null> {
    const rows: { id: string; organization_ids: string[] }[] = await this.db.select(
      `SELECT u.id, ARRAY(SELECT om.organization_id::text FROM organization_members om WHERE om.user_id = u.id) AS organization_ids
         FROM users u WHERE lower(u.username) = lower($1) AND u.deleted = false`,
      [username],
    );
    return rows[0] ? { id: rows[0].id, organizationIds: rows[0].organization_ids } : null;
  }

  /** An organization's id by name (case-insensitive). */
  async organizationIdByName(name: string): Promise<string | null> {
    const rows: { id: string }[] = await this.db.select(
      `SELECT o.id FROM organizations o WHERE lower(o.name) = lower($1)`,
      [name],
    );
    return rows[0]?.id ?? null;
  }
}
