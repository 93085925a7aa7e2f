import { GroupEntity } from './entities/group.entity.js';

/** Every column of `groups` aliased `g`: the reads on the request path skip the ORM's query builder (user-row.ts). */
export const GROUP_COLUMNS_SQL = `g.id, g.name, g.display_name, g.organization_id, g.avatar_url, g.quota_allowance, g.source`;

export interface GroupRow {
  id: string;
  name: string;
  display_name: string;
  organization_id: string;
  avatar_url: string;
  quota_allowance: number;
  source: string;
}

export function groupFromRow(row: GroupRow): GroupEntity {
  const group = new GroupEntity();
  group.id = row.id;
  group.name = row.name;
  group.displayName = row.display_name;
  group.organizationId = row.organization_id;
  group.avatarUrl = row.avatar_url;
  group.quotaAllowance = row.quota_allowance;
  group.source = row.source;
  return group;
}
