import { Injectable } from '@nestjs/common';
import { notFound } from '../../common/errors.js';
import { isEveryoneGroup } from '../../core/groups/everyone-group.js';
import { GroupsRepository } from '../../core/groups/groups.repository.js';
import { EntitlementsService } from '../../core/licensing/entitlements.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import { can } from '../../core/rbac/policy.js';
import type { UserEntity } from '../../core/users/entities/user.entity.js';
import { WorkspacesRepository } from '../../core/workspaces/workspaces.repository.js';
import type { WorkspaceQuotaResponse } from './dto/workspace-quota.dto.js';

/**
 * `GET /workspace-quota/{user}`. Readable by the user, owners, user admins, and admins of an
 * organization the user belongs to; anyone else gets 404 (Coder lets any member read any quota).
 */
@Injectable()
export class WorkspaceQuotaService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly workspaces: WorkspacesRepository,
    private readonly entitlements: EntitlementsService,
  ) {}

  async get(actor: Actor, user: UserEntity): Promise<WorkspaceQuotaResponse> {
    const allowances = await this.groups.listAllowancesOfUser(user.id);
    // The user's organizations are those whose Everyone group counts toward the budget.
    const orgIds = [
      ...new Set(
        allowances
          .filter((g) => isEveryoneGroup({ id: g.group_id, organizationId: g.organization_id }))
          .map((g) => g.organization_id),
      ),
    ];
    const allowed =
      user.id === actor.id ||
      can(actor, 'read', { type: 'user_data' }) ||
      orgIds.some((orgId) => can(actor, 'update', { type: 'organization_member', orgId }));
    if (!allowed) throw notFound();
    const consumed = await this.workspaces.sumDailyCostOfLiveWorkspaces(user.id);
    if (!this.entitlements.isEnabled('template_rbac')) {
      return { credits_consumed: consumed, budget: -1, allowance_by_group: [] };
    }
    return {
      credits_consumed: consumed,
      budget: allowances.reduce((sum, g) => sum + g.allowance, 0),
      allowance_by_group: allowances,
    };
  }
}
