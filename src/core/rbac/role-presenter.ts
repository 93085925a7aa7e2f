import type { AssignableRoleResponse, PermissionResponse } from './dto/role.dto.js';
import { ACTIONS, permits, RESOURCES, type PermissionSet } from './permissions.js';
import { ROLE_DEFINITIONS, roleDisplayName } from './roles.js';

/**
 * The permissions a set grants, listed the way Coder lists a built-in role's (each resource type
 * with each action, wildcards expanded). Derived from `permits`, the check the server enforces,
 * so the list never claims more than is granted. Rules outside the roles (the user-read and
 * group-read narrowings in policy.ts) are not permissions and are not listed.
 */
export function listPermissions(set: PermissionSet | undefined): PermissionResponse[] {
  if (!set) return [];
  return RESOURCES.flatMap((resource) =>
    ACTIONS.filter((action) => permits(set, resource, action)).map((action) => ({
      negate: false,
      resource_type: resource,
      action,
    })),
  );
}

/** A built-in role as `GET /users/roles` and `GET /organizations/{organization}/members/roles` list it. */
export function toAssignableRole(name: string, assignable: boolean, organizationId?: string): AssignableRoleResponse {
  const role = ROLE_DEFINITIONS[name];
  return {
    name,
    display_name: roleDisplayName(name),
    ...(organizationId ? { organization_id: organizationId } : {}),
    site_permissions: listPermissions(role?.site),
    organization_permissions: listPermissions(role?.org),
    user_permissions: listPermissions(role?.user),
    organization_member_permissions: [],
    assignable,
    built_in: true,
  };
}
