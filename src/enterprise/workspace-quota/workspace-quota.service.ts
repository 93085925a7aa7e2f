import { Injectable } from '@nestjs/common';
import { internalError, notFound } from '../../common/errors.js';
import { EntitlementsService } from '../../core/licensing/entitlements.service.js';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import { OrganizationsService } from '../../core/organizations/organizations.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import { can } from '../../core/rbac/policy.js';
import type { UserEntity } from '../../core/users/entities/user.entity.js';
import type { WorkspaceQuotaResponse } from './dto/workspace-quota.dto.js';
import { WorkspaceQuotaRepository } from './workspace-quota.repository.js';

/**
 * A user's quota in one organization (Coder's `workspaceQuota`). Readable by the user, owners, user
 * admins, admins of that organization and admins of an organization the user belongs to; anyone
 * else gets 404 (Coder lets any member read any quota). A user who is not a member of the
 * organization is answered as Coder does, not refused: budget 0 (no groups there), and the credits
 * of workspaces they still own there.
 */
@Injectable()
export class WorkspaceQuotaService {
  constructor(
    private readonly repo: WorkspaceQuotaRepository,
    private readonly orgs: OrganizationsService,
    private readonly entitlements: EntitlementsService,
  ) {}

  async get(actor: Actor, org: OrganizationEntity, user: UserEntity): Promise<WorkspaceQuotaResponse> {
    await this.assertVisible(actor, org.id, user);
    const consumed = await this.repo.creditsConsumed(user.id, org.id);
    if (!this.entitlements.isEnabled('template_rbac')) {
      return { credits_consumed: consumed, budget: -1, allowance_by_group: [] };
    }
    const allowances = await this.repo.listAllowances(user.id, org.id);
    return {
      credits_consumed: consumed,
      budget: allowances.reduce((sum, g) => sum + g.allowance, 0),
      allowance_by_group: allowances,
    };
  }

  /** The deprecated `/workspace-quota/{user}`: the default organization's quota, as Coder's `workspaceQuotaByUser`. */
  async getInDefaultOrganization(actor: Actor, user: UserEntity): Promise<WorkspaceQuotaResponse> {
    const org = await this.orgs.getDefaultOrganization();
    if (!org) throw internalError('the default organization is missing');
    return this.get(actor, org, user);
  }

  private async assertVisible(actor: Actor, orgId: string, user: UserEntity): Promise<void> {
    if (user.id === actor.id || can(actor, 'read', { type: 'user_data' })) return;
    const adminOf = (id: string) => can(actor, 'update', { type: 'organization_member', orgId: id });
    if (adminOf(orgId)) return;
    const orgIds = (await this.orgs.organizationIdsOfUsers([user.id])).get(user.id) ?? [];
    if (!orgIds.some(adminOf)) throw notFound();
  }
}
