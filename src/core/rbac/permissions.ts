/**
 * Coder's RBAC resource type strings (coderd/rbac/object.go, late 2023): the types its clients
 * name in `POST /authcheck`. Any other string is unknown and never allowed, not even to owners.
 */
export const RESOURCES = [
  'user',
  'user_data',
  'api_key',
  'organization',
  'organization_member',
  'group',
  'assign_role',
  'assign_org_role',
  'license',
  'deployment_config',
  'deployment_stats',
  'replicas',
  'workspace_proxy',
  'provisioner_daemon',
  'template',
  'file',
  'workspace',
  'audit_log',
  'system',
  'workspace_execution',
  'application_connect',
  'workspace_build',
  'workspace_dormant',
  'debug_info',
  'tailnet_coordinator',
] as const;
export type Resource = (typeof RESOURCES)[number];

export const ACTIONS = ['create', 'read', 'update', 'delete'] as const;
export type Action = (typeof ACTIONS)[number];

/** `'*'` grants every action; a wildcard resource grants every resource except those in `except`. */
export interface PermissionSet {
  wildcard?: { actions: readonly Action[] | '*'; except?: readonly Resource[] };
  resources?: Partial<Record<Resource, readonly Action[] | '*'>>;
}

export function permits(set: PermissionSet | undefined, resource: Resource, action: Action): boolean {
  if (!set) return false;
  const explicit = set.resources?.[resource];
  if (explicit && (explicit === '*' || explicit.includes(action))) return true;
  const wildcard = set.wildcard;
  if (!wildcard || wildcard.except?.includes(resource)) return false;
  return wildcard.actions === '*' || wildcard.actions.includes(action);
}
