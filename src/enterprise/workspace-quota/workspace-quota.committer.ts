import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { EntitlementsService } from '../../core/licensing/entitlements.service.js';
import type { CommitQuotaResult } from '../../core/provisioning/protocol.js';
import { QuotaCommitter, QuotaCommitterSlot } from '../../core/provisioning/quota-committer.js';
import { WorkspaceQuotaRepository } from './workspace-quota.repository.js';

/** Serializes quota decisions per user across requests and replicas (advisory transaction lock). */
const QUOTA_LOCK_NAMESPACE = 7_245_002;

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
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: WorkspaceQuotaRepository,
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
    return this.db.transaction(async (manager) => {
      const build = await this.repo.buildForJob(manager, jobId);
      if (!build) return { ok: false, credits_consumed: 0, budget: 0 };
      if (!enforce) {
        await this.repo.setBuildCost(manager, build.build_id, dailyCost);
        return { ok: true, credits_consumed: 0, budget: -1 };
      }
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [QUOTA_LOCK_NAMESPACE, build.owner_id]);
      const consumed = await this.repo.consumed(build.owner_id, manager);
      const budget = (await this.repo.allowanceByGroup(build.owner_id, manager)).reduce((sum, g) => sum + g.allowance, 0);
      const netIncrease = build.previous_cost === null || dailyCost >= build.previous_cost;
      if (consumed + dailyCost > budget && netIncrease) {
        return { ok: false, credits_consumed: consumed, budget };
      }
      await this.repo.setBuildCost(manager, build.build_id, dailyCost);
      return { ok: true, credits_consumed: consumed + dailyCost, budget };
    });
  }
}
