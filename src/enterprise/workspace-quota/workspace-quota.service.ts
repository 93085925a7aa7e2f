import { Injectable } from '@nestjs/common';
import { notFound } from '../../common/errors.js';
import { EntitlementsService } from '../../core/licensing/entitlements.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import { can } from '../../core/rbac/policy.js';
import { UsersService } from '../../core/users/users.service.js';
import type { WorkspaceQuotaResponse } from './dto/workspace-quota.dto.js';
import { WorkspaceQuotaRepository } from './workspace-quota.repository.js';

/**
 * `GET /workspace-quota/{user}`. Readable by the user, owners, user admins, and admins of an
 * organization the user belongs to; anyone else gets 404 (Coder lets any member read any quota).
 */
@Injectable()
export class WorkspaceQuotaService {
  constructor(
    private readonly repo: WorkspaceQuotaRepository,
    private readonly users: UsersService,
    private readonly entitlements: EntitlementsService,
  ) {}

  async get(actor: Actor, userParam: string): Promise<WorkspaceQuotaResponse> {
    const user = await this.users.resolveVisible(actor, userParam);
    const allowances = await this.repo.allowanceByGroup(user.id);
    const orgIds = [...new Set(allowances.filter((g) => g.group_id === g.organization_id).map((g) => g.organization_id))];
    const allowed =
      user.id === actor.id ||
      can(actor, 'read', { type: 'user_data' }) ||
      orgIds.some((orgId) => can(actor, 'update', { type: 'organization_member', orgId }));
    if (!allowed) throw notFound();
    const consumed = await this.repo.consumed(user.id);
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
