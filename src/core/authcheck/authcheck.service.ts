import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError } from '../../common/errors.js';
import { GroupsService } from '../../enterprise/groups/groups.service.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import { canOnTemplate } from '../rbac/template-access.js';
import { TemplatesService } from '../templates/templates.service.js';
import { UsersService } from '../users/users.service.js';
import { canOnWorkspace, WorkspacesService } from '../workspaces/workspaces.service.js';
import { decideFields, knownTerms, parseChecks, type AuthCheck, type RowType } from './authcheck.rules.js';

/** The lookups answer 404 for rows the caller may not read; for a check that is simply `false`. */
async function visibleOrNull<T>(lookup: Promise<T>): Promise<T | null> {
  try {
    return await lookup;
  } catch (err) {
    if (err instanceof ApiError && err.getStatus() === (HttpStatus.NOT_FOUND as number)) return null;
    throw err;
  }
}

/** `POST /authcheck`: what the dashboard may show the caller, decided by the same policy as every route. */
@Injectable()
export class AuthCheckService {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly templates: TemplatesService,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
  ) {}

  async check(actor: Actor, checks: Record<string, unknown> | undefined): Promise<Record<string, boolean>> {
    const parsed = parseChecks(checks);
    const answers = await Promise.all(
      parsed.map((c) => (c.resourceId === '' ? Promise.resolve(decideFields(actor, c)) : this.decideRow(actor, c, c.resourceType as RowType))),
    );
    return Object.fromEntries(parsed.map((c, i) => [c.key, answers[i]]));
  }

  /**
   * A check on a stored row: the row's own organization, owner and (templates) ACL decide, and a
   * row the caller cannot read is `false`. Reading a visible user or group is allowed, since the
   * lookups already applied this server's visibility rules for them.
   */
  private async decideRow(actor: Actor, check: AuthCheck, type: RowType): Promise<boolean> {
    const terms = knownTerms(check);
    if (!terms) return false;
    const id = check.resourceId.toLowerCase();
    switch (type) {
      case 'workspace': {
        const workspace = await visibleOrNull(this.workspaces.resolveVisible(actor, id));
        return workspace !== null && canOnWorkspace(actor, terms.action, workspace);
      }
      case 'template': {
        const template = await this.templates.findUsableTemplate(actor, id);
        return template !== null && canOnTemplate(actor, terms.action, template);
      }
      case 'user': {
        const user = await visibleOrNull(this.users.resolveVisible(actor, id));
        return user !== null && (terms.action === 'read' || can(actor, terms.action, { type: 'user', ownerId: user.id }));
      }
      case 'group': {
        const group = await visibleOrNull(this.groups.resolve(actor, id));
        return group !== null && (terms.action === 'read' || can(actor, terms.action, { type: 'group', orgId: group.organizationId }));
      }
    }
  }
}
