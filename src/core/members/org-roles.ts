import { isUuid } from '../../common/errors.js';
import { isOrgRole, isSiteRole, ORG_MEMBER } from '../rbac/roles.js';
import { orgRoleOtherOrganization, orgRoleScopeInvalid, orgRolesOnly, orgRoleUnsupported } from './members.errors.js';

/** Normalises `organization-admin` / `organization-admin:<org>` to the bare stored name, or 400. */
function parseOrgRole(role: string, orgId: string): string | undefined {
  const [name, scope, ...rest] = role.split(':');
  if (rest.length > 0) throw orgRoleUnsupported(role);
  if (scope !== undefined) {
    if (!isUuid(scope)) throw orgRoleScopeInvalid(role);
    if (scope.toLowerCase() !== orgId) throw orgRoleOtherOrganization(orgId);
  }
  if (isSiteRole(name) || name === 'member') throw orgRolesOnly();
  if (name === ORG_MEMBER) return undefined;
  if (!isOrgRole(name)) throw orgRoleUnsupported(role);
  return name;
}

/** The explicit organization roles a request asks for (`organization-member` is implied and never stored). */
export function requestedOrgRoles(roles: string[], orgId: string): string[] {
  return [...new Set(roles.map((r) => parseOrgRole(r, orgId)).filter((r): r is string => !!r))];
}
