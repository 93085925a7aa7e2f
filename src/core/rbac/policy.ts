import { isEveryoneGroup } from '../groups/everyone-group.js';
import type { Actor } from './actor.js';
import { permits, type Action, type Resource } from './permissions.js';
import { assignableBy, MEMBER, ORG_MEMBER, ROLE_DEFINITIONS } from './roles.js';

/** What an authorization decision is about. */
export interface RbacObject {
  type: Resource;
  /** The organization the object lives in, if any. */
  orgId?: string;
  /** The user owning the object, if any (a user owns their own user object). */
  ownerId?: string;
  /** The object's own id, for rules about one object (the groups a member belongs to). */
  id?: string;
}

function siteRoleNames(actor: Actor): string[] {
  return [MEMBER, ...actor.siteRoles];
}

function orgRoleNames(actor: Actor, orgId: string): string[] {
  const roles = actor.orgRoles.get(orgId);
  return roles ? [ORG_MEMBER, ...roles] : [];
}

/**
 * Owners' privileges that are not a permission on a resource (Coder checks the role by name):
 * skipping the API rate limit with `X-Coder-Bypass-Ratelimit`.
 */
export function isOwner(actor: Actor): boolean {
  return actor.siteRoles.includes('owner');
}

export function isOrgMember(actor: Actor, orgId: string): boolean {
  return actor.orgRoles.has(orgId);
}

/**
 * The single authorization rule, as Coder evaluates it: site permissions apply everywhere,
 * organization permissions inside that organization, user permissions on what the actor owns
 * (and, for objects in an organization, only while the actor is a member of it).
 */
export function can(actor: Actor, action: Action, obj: RbacObject): boolean {
  return canByRole(actor, action, obj) || readsOwnGroup(actor, action, obj);
}

function canByRole(actor: Actor, action: Action, obj: RbacObject): boolean {
  for (const role of siteRoleNames(actor)) {
    if (permits(ROLE_DEFINITIONS[role]?.site, obj.type, action)) return true;
  }
  if (obj.orgId !== undefined) {
    for (const role of orgRoleNames(actor, obj.orgId)) {
      if (permits(ROLE_DEFINITIONS[role]?.org, obj.type, action)) return true;
    }
  }
  if (obj.ownerId !== undefined && obj.ownerId === actor.id) {
    if (obj.orgId === undefined || isOrgMember(actor, obj.orgId)) {
      for (const role of siteRoleNames(actor)) {
        if (permits(ROLE_DEFINITIONS[role]?.user, obj.type, action)) return true;
      }
    }
  }
  return false;
}

/**
 * Beyond the group readers of its organization (owner, user admin, auditor, template admin, the
 * organization's admins), a plain member reads the Everyone group of its organizations and the
 * groups it is in: a narrowing of Coder, where every member reads every group of its organizations.
 */
function readsOwnGroup(actor: Actor, action: Action, obj: RbacObject): boolean {
  if (obj.type !== 'group' || action !== 'read' || obj.id === undefined || obj.orgId === undefined) return false;
  if (!isOrgMember(actor, obj.orgId)) return false;
  return isEveryoneGroup({ id: obj.id, organizationId: obj.orgId }) || actor.groupIds.includes(obj.id);
}

/** Whether the actor holds `action` on `resource` anywhere: site-wide or in one of its organizations. */
export function canAnywhere(actor: Actor, action: Action, resource: Resource): boolean {
  if (can(actor, action, { type: resource })) return true;
  for (const orgId of actor.orgRoles.keys()) {
    if (can(actor, action, { type: resource, orgId })) return true;
  }
  return false;
}

/**
 * Users are not organization objects, so organization roles never grant writes on them. Reading is
 * wider: yourself, site-wide user readers (owner, user-admin, auditor, template-admin), and anyone
 * sharing an organization with the user. Coder lets every member read every user; we do not.
 */
export function canReadUser(actor: Actor, userId: string, userOrgIds: readonly string[]): boolean {
  if (can(actor, 'read', { type: 'user', ownerId: userId })) return true;
  return userOrgIds.some((orgId) => isOrgMember(actor, orgId));
}

/** Whether every site role in `roles` may be granted or revoked by the actor. */
export function canAssignSiteRole(actor: Actor, role: string): boolean {
  return siteRoleNames(actor).some((held) => assignableBy(held).includes(role));
}

/** Whether the actor may grant or revoke `role` inside `orgId`. */
export function canAssignOrgRole(actor: Actor, orgId: string, role: string): boolean {
  if (canAssignSiteRole(actor, role)) return true;
  return orgRoleNames(actor, orgId).some((held) => assignableBy(held).includes(role));
}
