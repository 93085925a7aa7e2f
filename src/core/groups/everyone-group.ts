/**
 * The Everyone group: every organization has one, whose id IS the organization's id. Its members
 * are implicit (every member of the organization), so it never has `group_members` rows, and its
 * name is reserved. This file is the one place that knows the rule; src/core/groups/groups.repository.ts
 * is the one place that reads and writes groups and memberships with it.
 */
export const EVERYONE_GROUP_NAME = 'Everyone';

/** The id of an organization's Everyone group. */
export function everyoneGroupId(organizationId: string): string {
  return organizationId;
}

export function isEveryoneGroup(group: { id: string; organizationId: string }): boolean {
  return group.id === everyoneGroupId(group.organizationId);
}

/** SQL: whether the group row aliased `alias` is its organization's Everyone group. */
export function everyoneGroupSql(alias: string): string {
  return `(${alias}.id = ${alias}.organization_id)`;
}

/** SQL: the group row aliased `alias` is not an Everyone group. */
export function notEveryoneGroupSql(alias: string): string {
  return `${alias}.id <> ${alias}.organization_id`;
}
