import { Injectable } from '@nestjs/common';
import { canReadGroup } from '../groups/groups.params.js';
import { GroupsRepository } from '../groups/groups.repository.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import { canOnTemplate } from '../rbac/template-access.js';
import { TemplatesService } from '../templates/templates.service.js';
import { UsersService } from '../users/users.service.js';
import { canOnWorkspace } from '../workspaces/workspaces.params.js';
import { WorkspacesRepository } from '../workspaces/workspaces.repository.js';
import { decideFields, knownTerms, parseChecks, type AuthCheck, type RowType } from './authcheck.rules.js';

/** `POST /authcheck`: what the dashboard may show the caller, decided by the same policy as every route. */
@Injectable()
export class AuthCheckService {
  constructor(
    private readonly workspaces: WorkspacesRepository,
    private readonly templates: TemplatesService,
    private readonly users: UsersService,
    private readonly groups: GroupsRepository,
  ) {}

  async check(actor: Actor, checks: Record<string, unknown> | undefined): Promise<Record<string, boolean>> {
    const parsed = parseChecks(checks);
    const answers = await Promise.all(
      parsed.map((c) =>
        c.resourceId === ''
          ? Promise.resolve(decideFields(actor, c))
          : this.decideRow(actor, c, c.resourceType as RowType),
      ),
    );
    return Object.fromEntries(parsed.map((c, i) => [c.key, answers[i]]));
  }

  /**
   * A check on a stored row: the row's own organization, owner and (templates) ACL decide, and a
   * row the caller cannot read is `false`, by the same visibility rules as the row's own routes
   * (their path parameters answer 404 for it). Reading a visible user or group is allowed.
   */
  private async decideRow(actor: Actor, check: AuthCheck, type: RowType): Promise<boolean> {
    const terms = knownTerms(check);
    if (!terms) return false;
    const id = check.resourceId.toLowerCase();
    switch (type) {
      case 'workspace': {
        const workspace = await this.workspaces.getWorkspaceById(id);
        return (
          workspace !== null &&
          canOnWorkspace(actor, 'read', workspace) &&
          canOnWorkspace(actor, terms.action, workspace)
        );
      }
      case 'template': {
        const template = await this.templates.findUsableTemplate(actor, id);
        return template !== null && canOnTemplate(actor, terms.action, template);
      }
      case 'user': {
        const user = await this.users.findByReference(actor, id);
        if (!user || !(await this.users.isVisibleTo(actor, user))) return false;
        return terms.action === 'read' || can(actor, terms.action, { type: 'user', ownerId: user.id });
      }
      case 'group': {
        const group = await this.groups.getGroupById(id);
        if (!group || !canReadGroup(actor, group)) return false;
        return terms.action === 'read' || can(actor, terms.action, { type: 'group', orgId: group.organizationId });
      }
    }
  }
}
