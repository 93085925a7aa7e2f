import { isSiteRole, MEMBER } from '../rbac/roles.js';
import { roleUnsupported, siteRolesOnly } from './users.errors.js';

/**
 * The explicit site roles a request asks for (`member` is implied and never stored): 400 for an
 * organization role or an unknown name, as Coder answers.
 */
export function requestedSiteRoles(roles: string[]): string[] {
  for (const role of roles) {
    if (role.includes(':')) throw siteRolesOnly();
    if (role !== MEMBER && !isSiteRole(role)) throw roleUnsupported(role);
  }
  return [...new Set(roles.filter((r) => r !== MEMBER))];
}
