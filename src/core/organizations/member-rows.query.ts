import type { Pagination } from '../../common/query.js';
import { USER_COLUMNS_SQL, userFromRow, type UserRow } from '../users/entities/user-row.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import { type UserFilter, userFilterConditions } from '../search/user-search.js';
import { OrganizationMemberEntity } from './entities/organization-member.entity.js';

/** A membership with its (not deleted) user: Coder's OrganizationMembersRow. */
export interface MemberWithUser {
  member: OrganizationMemberEntity;
  user: UserEntity;
}

/** `m_*` and `u_*` are null on the single row of an empty page. */
interface MemberUserRow extends UserRow {
  m_organization_id: string;
  m_user_id: string | null;
  m_created_at: Date;
  m_updated_at: Date;
  m_roles: string[];
  total: string;
}

/**
 * One statement for a page of an organization's members with their users, in Coder's order
 * (lower(username)), and the total matching. Unlike Coder's PaginatedOrganizationMembers (a window
 * count, so 0 for a page past the end) the total is always the number matching, as `GET /audit`
 * answers here. The filter is `GET /users`' search (src/core/search/user-search.ts), whose conditions it uses.
 */
export function memberRowsQuery(
  organizationId: string,
  filter: UserFilter = {},
  page?: Pagination,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [organizationId];
  const arg = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ['m.organization_id = $1', ...userFilterConditions(filter, arg)];
  if (page?.afterId) {
    where.push(`lower(u.username) > (SELECT lower(x.username) FROM users x WHERE x.id = ${arg(page.afterId)})`);
  }
  const paging = page ? ` OFFSET ${arg(page.offset)} LIMIT ${arg(page.limit)}` : '';
  // The total rides on a row of its own joined to the page, so a page past the end still has it.
  const sql = `WITH matched AS (
    SELECT m.organization_id AS m_organization_id, m.user_id AS m_user_id, m.created_at AS m_created_at,
           m.updated_at AS m_updated_at, m.roles AS m_roles, ${USER_COLUMNS_SQL}
      FROM organization_members m JOIN users u ON u.id = m.user_id AND u.deleted = false
     WHERE ${where.join(' AND ')})
  SELECT c.total, p.* FROM (SELECT count(*) AS total FROM matched) c
  LEFT JOIN LATERAL (SELECT * FROM matched ORDER BY lower(u_username), u_id${paging}) p ON true
  ORDER BY lower(p.u_username), p.u_id`;
  return { sql, params };
}

export function membersFromRows(rows: MemberUserRow[]): { members: MemberWithUser[]; count: number } {
  const members = rows
    .filter((row): row is MemberUserRow & { m_user_id: string } => row.m_user_id !== null)
    .map((row) => {
      const member = new OrganizationMemberEntity();
      member.organizationId = row.m_organization_id;
      member.userId = row.m_user_id;
      member.createdAt = row.m_created_at;
      member.updatedAt = row.m_updated_at;
      member.roles = row.m_roles;
      return { member, user: userFromRow(row) };
    });
  return { members, count: Number(rows[0]?.total ?? 0) };
}
