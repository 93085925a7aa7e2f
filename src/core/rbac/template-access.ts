import type { Actor } from './actor.js';
import type { Action } from './permissions.js';
import { can } from './policy.js';

/** The part of a template that decides access: its organization and its ACLs. */
export interface TemplateAclObject {
  organizationId: string;
  /** user id → actions (`["read"]` = use, `["*"]` = admin). */
  userAcl: Record<string, string[]>;
  /** group id → actions; the key equal to the organization id is the Everyone group. */
  groupAcl: Record<string, string[]>;
}

export type TemplateRole = 'admin' | 'use';

/** Actions the template's ACLs grant the actor (through its own entry and its groups'). */
export function aclActions(actor: Actor, template: TemplateAclObject): Set<string> {
  const granted = new Set<string>();
  for (const action of template.userAcl[actor.id] ?? []) granted.add(action);
  for (const groupId of actor.groupIds) {
    for (const action of template.groupAcl[groupId] ?? []) granted.add(action);
  }
  return granted;
}

/**
 * Coder's template authorization: RBAC (owner, template admin, organization admin, auditor for
 * reads) or the template's ACL (Everyone group = organization members). ACL entries only count
 * for members of the template's organization.
 */
export function canOnTemplate(actor: Actor, action: Action, template: TemplateAclObject): boolean {
  if (can(actor, action, { type: 'template', orgId: template.organizationId })) return true;
  if (!actor.orgRoles.has(template.organizationId)) return false;
  const granted = aclActions(actor, template);
  return granted.has('*') || granted.has(action);
}

/** The ACL role names Coder shows: `["*"]` → admin, `["read"]` → use. */
export function roleOfActions(actions: string[]): TemplateRole | undefined {
  if (actions.includes('*')) return 'admin';
  if (actions.includes('read')) return 'use';
  return undefined;
}

export function actionsOfRole(role: TemplateRole): string[] {
  return role === 'admin' ? ['*'] : ['read'];
}
