import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Database } from '../../database/database.js';
import { EntitlementsService } from '../../core/licensing/entitlements.service.js';
import type { CommitQuotaResult } from '../../core/provisioning/protocol.js';
import { QuotaCommitter, QuotaCommitterSlot } from '../../core/provisioning/quota-committer.js';
import { WorkspaceBuildsRepository } from '../../core/workspaces/workspace-builds.repository.js';
import { WorkspaceQuotaRepository } from './workspace-quota.repository.js';

/**
 * Coder's enterprise quota committer (enterprise/coderd/workspacequota.go): a build may commit its
 * daily cost unless that takes the owner over budget AND the build costs more than the one before
 * it (the "net increase" rule, so stopping or shrinking is always allowed). The budget is that of
 * the workspace's organization only: its groups' allowances against the owner's workspaces there.
 * Decisions for one user and organization are serialized, so concurrent builds can never together
 * exceed the budget. Without `template_rbac` every cost is accepted and the budget is -1.
 */
@Injectable()
export class WorkspaceQuotaCommitter extends QuotaCommitter implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly repo: WorkspaceQuotaRepository,
    private readonly builds: WorkspaceBuildsRepository,
    private readonly entitlements: EntitlementsService,
    private readonly slot: QuotaCommitterSlot,
  ) {
    super();
  }

  onModuleInit(): void {
    this.slot.install(this);
  }

  async commit(jobId: string, dailyCost: number): Promise<CommitQuotaResult> {
    const enforce = this.entitlements.isEnabled('template_rbac');
    return this.db.transaction(async () => {
      const build = await this.builds.getBuildCostContext(jobId);
      if (!build) return { ok: false, credits_consumed: 0, budget: 0 };
      if (!enforce) {
        await this.builds.setDailyCost(build.build_id, dailyCost);
        return { ok: true, credits_consumed: 0, budget: -1 };
      }
      const orgId = await this.repo.organizationOfBuild(build.build_id);
      if (!orgId) return { ok: false, credits_consumed: 0, budget: 0 };
      await this.repo.lockQuota(build.owner_id, orgId);
      const consumed = await this.repo.creditsConsumed(build.owner_id, orgId);
      const budget = (await this.repo.listAllowances(build.owner_id, orgId)).reduce((sum, g) => sum + g.allowance, 0);
      const netIncrease = build.previous_cost === null || dailyCost >= build.previous_cost;
      if (consumed + dailyCost > budget && netIncrease) {
        return { ok: false, credits_consumed: consumed, budget };
      }
      await this.builds.setDailyCost(build.build_id, dailyCost);
      return { ok: true, credits_consumed: consumed + dailyCost, budget };
    });
  }
}
