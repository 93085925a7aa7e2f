import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { internalError } from '../../common/errors.js';
import { Database } from '../../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import { EntitlementsService } from '../licensing/entitlements.service.js';
import { isActive, jobStatus } from '../provisioning/dto/job.dto.js';
import type { ProvisionerJobEntity } from '../provisioning/entities/provisioner-job.entity.js';
import { JobsService } from '../provisioning/jobs.service.js';
import { TemplatesService } from '../templates/templates.service.js';
import type { WorkspaceBuildEntity } from '../workspaces/entities/workspace-build.entity.js';
import type { WorkspaceEntity } from '../workspaces/entities/workspace.entity.js';
import { WorkspaceBuilder } from '../workspaces/workspace-builder.js';
import { WorkspaceBuildsRepository } from '../workspaces/workspace-builds.repository.js';
import { WorkspacesRepository } from '../workspaces/workspaces.repository.js';
import { nextTransition, truncateToMinute, type LifecycleAction } from '../workspaces/lifecycle-rules.js';
import { CANDIDATES_PER_PAGE, LifecycleRepository, type LifecycleRow } from './lifecycle.repository.js';

/** What one tick did: the builds it created and the workspaces it failed on (Coder's autobuild Stats). */
export interface LifecycleStats {
  transitions: Map<string, 'start' | 'stop'>;
  errors: Map<string, string>;
}

/** Coder's autobuilds carry no request: its audit baggage IP is the loopback address. */
const AUTOBUILD_IP = '127.0.0.1';

/**
 * Coder's lifecycle executor (coderd/autobuild): every CODER_AUTOBUILD_POLL_INTERVAL it stops
 * started workspaces past their deadline, starts stopped ones whose autostart schedule came (for
 * active owners only), and stops workspaces whose start failed longer ago than the template's
 * failure TTL (with advanced_template_scheduling). Each workspace is decided and built in its own transaction under a
 * try-lock, so replicas ticking together (or overlapping ticks) never build one workspace twice,
 * and one failing workspace never stops the others.
 */
@Injectable()
export class LifecycleExecutorService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Autobuild');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<LifecycleStats> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
    private readonly repo: LifecycleRepository,
    private readonly workspaces: WorkspacesRepository,
    private readonly builds: WorkspaceBuildsRepository,
    private readonly builder: WorkspaceBuilder,
    private readonly templates: TemplatesService,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly entitlements: EntitlementsService,
  ) {}

  /** Templates' failure TTLs apply with Coder's enterprise template schedule store only. */
  private failureTtlApplies(): boolean {
    return this.entitlements.isEnabled('advanced_template_scheduling');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.autobuildPollIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Runs one pass at `now` (tests call it directly); a tick still running is joined, not doubled. Never throws. */
  tick(now: Date = new Date()): Promise<LifecycleStats> {
    this.running ??= this.runOnce(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async runOnce(now: Date): Promise<LifecycleStats> {
    const stats: LifecycleStats = { transitions: new Map(), errors: new Map() };
    const tick = truncateToMinute(now);
    let afterId: string | null = null;
    try {
      for (;;) {
        const page = await this.repo.listCandidates(tick, afterId, this.failureTtlApplies());
        for (const row of page) {
          if (nextTransition(row, tick)) await this.transition(row.workspaceId, tick, stats);
        }
        if (page.length < CANDIDATES_PER_PAGE) break;
        afterId = page[page.length - 1].workspaceId;
      }
    } catch (err) {
      this.logger.error(`autobuild tick skipped: ${(err as Error).message}`);
    }
    return stats;
  }

  /** Re-checks one workspace under its locks and builds what is due; failures are logged and counted. */
  private async transition(workspaceId: string, tick: Date, stats: LifecycleStats): Promise<void> {
    try {
      const done = await this.db.transaction(async () => {
        if (!(await this.repo.tryLockWorkspace(workspaceId))) return undefined;
        const workspace = await this.workspaces.lockWorkspace(workspaceId);
        const row = await this.repo.getCandidate(workspaceId, tick, this.failureTtlApplies());
        const action = row && nextTransition(row, tick);
        if (!workspace || workspace.deleted || !row || !action) return undefined;
        return this.build(workspace, row, action);
      });
      if (!done) return;
      await this.jobs.announce(done.job);
      stats.transitions.set(workspaceId, done.build.transition as 'start' | 'stop');
      this.logger.log(`workspace ${workspaceId}: ${done.build.reason} build #${done.build.buildNumber}`);
    } catch (err) {
      stats.errors.set(workspaceId, (err as Error).message);
      this.logger.error(`workspace ${workspaceId}: autobuild failed: ${(err as Error).message}`);
    }
  }

  /**
   * The build a user's start or stop would make (same builder, same checks), initiated by the
   * owner as in Coder's wsbuilder, with reason `autostart`/`autostop`. A start takes the template's
   * active version when the template requires it or the workspace updates automatically.
   */
  private async build(
    workspace: WorkspaceEntity,
    row: LifecycleRow,
    action: LifecycleAction,
  ): Promise<{ build: WorkspaceBuildEntity; job: ProvisionerJobEntity }> {
    const previous = await this.builds.getLatestBuild(workspace.id);
    if (!previous) throw internalError(`workspace ${workspace.id} has no build`);
    const previousJob = await this.jobs.getJob(previous.jobId);
    if (previousJob && isActive(jobStatus(previousJob))) throw internalError('a build is already active');
    const template = (await this.templates.templatesByIds([workspace.templateId])).get(workspace.templateId);
    const versionId = action.transition === 'start' && row.useActiveVersion ? row.activeVersionId : row.latestVersionId;
    const version = (await this.templates.findVersion(versionId))?.version;
    if (!template || !version) throw internalError(`workspace ${workspace.id} has no template version`);
    const importJob = await this.builder.succeededImport(version);
    const created = await this.builder.insert({
      workspace,
      template,
      version,
      importJob,
      transition: action.transition,
      initiatorId: workspace.ownerId,
      buildNumber: previous.buildNumber + 1,
      state: previous.provisionerState,
      reason: action.reason,
    });
    await this.record(workspace, created.build, created.job);
    return created;
  }

  /** Coder audits an autobuild as its initiator (the owner), from 127.0.0.1, with the build reason. */
  private record(workspace: WorkspaceEntity, build: WorkspaceBuildEntity, job: ProvisionerJobEntity): Promise<void> {
    return this.audit.record({
      meta: { ip: AUTOBUILD_IP, userAgent: '', requestId: job.id },
      userId: workspace.ownerId,
      organizationId: workspace.organizationId,
      resourceType: 'workspace_build',
      resourceId: build.id,
      resourceTarget: workspace.name,
      action: build.transition,
      statusCode: 200,
      additionalFields: {
        workspace_name: workspace.name,
        build_number: String(build.buildNumber),
        build_reason: build.reason,
      },
    });
  }
}
