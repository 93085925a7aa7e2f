import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Database } from '../../database/database.js';
import { GroupsRepository } from '../../core/groups/groups.repository.js';
import { EntitlementsService } from '../../core/licensing/entitlements.service.js';
import type { CommitQuotaResult } from '../../core/provisioning/protocol.js';
import { QuotaCommitter, QuotaCommitterSlot } from '../../core/provisioning/quota-committer.js';
import { WorkspaceBuildsRepository } from '../../core/workspaces/workspace-builds.repository.js';
import { WorkspacesRepository } from '../../core/workspaces/workspaces.repository.js';
import { WorkspaceQuotaRepository } from './workspace-quota.repository.js';

/**
 * Coder's enterprise quota committer (enterprise/coderd/workspacequota.go): a build may commit its
 * daily cost unless that takes the owner over budget AND the build costs more than the one before
 * it (the "net increase" rule, so stopping or shrinking is always allowed). Decisions for one user
 * are serialized, so concurrent builds can never together exceed the budget. Without `template_rbac`
 * every cost is accepted and the budget is -1.
 */
@Injectable()
export class WorkspaceQuotaCommitter extends QuotaCommitter implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly repo: WorkspaceQuotaRepository,
    private readonly workspaces: WorkspacesRepository,
    private readonly builds: WorkspaceBuildsRepository,
    private readonly groups: GroupsRepository,
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
      await this.repo.lockQuotaOfUser(build.owner_id);
      const consumed = await this.workspaces.sumDailyCostOfLiveWorkspaces(build.owner_id);
      const budget = (await this.groups.listAllowancesOfUser(build.owner_id)).reduce((sum, g) => sum + g.allowance, 0);
      const netIncrease = build.previous_cost === null || dailyCost >= build.previous_cost;
      if (consumed + dailyCost > budget && netIncrease) {
        return { ok: false, credits_consumed: consumed, budget };
      }
      await this.builds.setDailyCost(build.build_id, dailyCost);
      return { ok: true, credits_consumed: consumed + dailyCost, budget };
    });
  }
}
