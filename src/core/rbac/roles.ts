import type { PermissionSet } from './permissions.js';

/** Site roles that can be stored on a user (`member` is implied for everyone and never stored). */
export const SITE_ROLES = ['owner', 'auditor', 'template-admin', 'user-admin'] as const;
export type SiteRole = (typeof SITE_ROLES)[number];

/** Organization roles that can be stored on a membership (`organization-member` is implied). */
export const ORG_ROLES = ['organization-admin'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export const MEMBER = 'member';
export const ORG_MEMBER = 'organization-member';

export interface RoleDefinition {
  name: string;
  displayName: string;
  /** Applies to every object. */
  site?: PermissionSet;
  /** Applies to objects inside the organization the role is held in. */
  org?: PermissionSet;
  /** Applies to objects the actor owns (inside organizations the actor belongs to). */
  user?: PermissionSet;
}

/**
 * The built-in roles of Coder (coderd/rbac/roles.go, 2023), as coder-behaviour-1 §3.1 lists them.
 * Deliberate narrowings: a plain member reads the users of its own organizations, not every user
 * of the deployment (see policy.canReadUser), and only the groups it belongs to plus Everyone
 * (see can() in src/core/rbac/policy.ts), not every group of its organizations.
 */
export const ROLE_DEFINITIONS: Record<string, RoleDefinition> = {
  // Coder keeps dormant workspaces out of the owner's and organization admin's wildcards.
  owner: { name: 'owner', displayName: 'Owner', site: { wildcard: { actions: '*', except: ['workspace_dormant'] } } },
  member: {
    name: 'member',
    displayName: 'Member',
    site: { resources: { assign_role: ['read'], provisioner_daemon: ['read'] } },
    user: {
      wildcard: { actions: '*', except: ['user', 'organization_member', 'workspace_dormant'] },
      resources: { user: ['read'] },
    },
  },
  auditor: {
    name: 'auditor',
    displayName: 'Auditor',
    site: {
      resources: {
        template: ['read'],
        audit_log: ['read'],
        user: ['read'],
        group: ['read'],
        deployment_stats: ['read'],
        deployment_config: ['read'],
        organization_member: ['read'],
      },
    },
  },
  'template-admin': {
    name: 'template-admin',
    displayName: 'Template Admin',
    site: {
      resources: {
        template: '*',
        file: '*',
        workspace: ['read'],
        provisioner_daemon: '*',
        organization: ['read'],
        user: ['read'],
        group: ['read'],
        organization_member: ['read'],
      },
    },
  },
  'user-admin': {
    name: 'user-admin',
    displayName: 'User Admin',
    site: {
      resources: {
        assign_role: '*',
        assign_org_role: '*',
        // Coder's user admin reads every organization: it manages membership in all of them.
        organization: ['read'],
        user: '*',
        user_data: '*',
        organization_member: '*',
        group: '*',
      },
    },
  },
  'organization-admin': {
    name: 'organization-admin',
    displayName: 'Organization Admin',
    org: { wildcard: { actions: '*', except: ['workspace_dormant'] } },
  },
  'organization-member': {
    name: 'organization-member',
    displayName: '',
    org: {
      resources: {
        organization: ['read'],
        organization_member: ['read'],
        assign_org_role: ['read'],
      },
    },
  },
};

/** Which roles a holder of a role may grant or revoke (Coder's assignRoles matrix). */
const ASSIGNABLE: Record<string, readonly string[]> = {
  owner: ['owner', 'auditor', 'member', 'template-admin', 'user-admin', 'organization-admin', 'organization-member'],
  'user-admin': ['member', 'organization-member'],
  'organization-admin': ['organization-admin', 'organization-member'],
};

export function assignableBy(role: string): readonly string[] {
  return ASSIGNABLE[role] ?? [];
}

export function roleDisplayName(name: string): string {
  return ROLE_DEFINITIONS[name]?.displayName ?? name;
}

export function isSiteRole(name: string): name is SiteRole {
  return (SITE_ROLES as readonly string[]).includes(name);
}

export function isOrgRole(name: string): name is OrgRole {
  return (ORG_ROLES as readonly string[]).includes(name);
}
