import { Injectable } from '@nestjs/common';
import { WorkspaceBuildsRepository } from '../workspaces/workspace-builds.repository.js';
import type { CommitQuotaResult } from './protocol.js';

/**
 * Decides whether a workspace build may commit its daily cost (Coder's QuotaCommitter). The
 * implementation records the accepted cost on the build. Without workspace quotas every cost is
 * accepted (`budget: -1`); the workspace-quota module provides the enforcing one.
 */
export abstract class QuotaCommitter {
  abstract commit(jobId: string, dailyCost: number): Promise<CommitQuotaResult>;
}

/**
 * The committer in use, as Coder keeps it in an atomic pointer: the permissive one until the
 * workspace-quota module installs its own at start. Injected as `QuotaCommitter`.
 */
export class QuotaCommitterSlot extends QuotaCommitter {
  private installed: QuotaCommitter | null = null;

  constructor(private readonly fallback: QuotaCommitter) {
    super();
  }

  install(committer: QuotaCommitter): void {
    this.installed = committer;
  }

  commit(jobId: string, dailyCost: number): Promise<CommitQuotaResult> {
    return (this.installed ?? this.fallback).commit(jobId, dailyCost);
  }
}

/** Accepts every build and records its cost. */
@Injectable()
export class PermissiveQuotaCommitter extends QuotaCommitter {
  constructor(private readonly builds: WorkspaceBuildsRepository) {
    super();
  }

  async commit(jobId: string, dailyCost: number): Promise<CommitQuotaResult> {
    await this.builds.setDailyCostOfJob(jobId, dailyCost);
    return { ok: true, credits_consumed: 0, budget: -1 };
  }
}
