import { Injectable } from '@nestjs/common';
import { internalError } from '../../common/errors.js';
import type { JobStatus, WorkspaceResourceResponse } from '../provisioning/dto/job.dto.js';
import { nextAllowedAutostart } from './lifecycle-rules.js';
import { JobsService } from '../provisioning/jobs.service.js';
import { TemplatesService } from '../templates/templates.service.js';
import { type MinimalUser, UsersRepository } from '../users/users.repository.js';
import type { WorkspaceBuildResponse, WorkspaceResponse } from './dto/workspace.dto.js';
import type { Transition, WorkspaceBuildEntity } from './entities/workspace-build.entity.js';
import type { WorkspaceEntity } from './entities/workspace.entity.js';
import { WorkspaceBuildsRepository } from './workspace-builds.repository.js';
import type { WorkspaceStatus } from './workspace-search.js';

const NS_PER_MS = 1_000_000;

/** Coder's convertWorkspaceStatus: the job's status read through the build's transition. */
export function workspaceStatus(job: JobStatus, transition: Transition): WorkspaceStatus {
  switch (job) {
    case 'pending':
    case 'canceling':
    case 'canceled':
    case 'failed':
      return job;
    case 'running':
      return transition === 'start' ? 'starting' : transition === 'stop' ? 'stopping' : 'deleting';
    case 'succeeded':
      return transition === 'start' ? 'running' : transition === 'stop' ? 'stopped' : 'deleted';
    default:
      return 'failed';
  }
}

type Users = Map<string, MinimalUser>;

/** Builds Workspace and WorkspaceBuild JSON for many rows with a fixed number of queries. */
@Injectable()
export class WorkspacePresenter {
  constructor(
    private readonly jobs: JobsService,
    private readonly templates: TemplatesService,
    private readonly users: UsersRepository,
    private readonly buildsRepo: WorkspaceBuildsRepository,
  ) {}

  async builds(builds: WorkspaceBuildEntity[], workspaces: WorkspaceEntity[]): Promise<WorkspaceBuildResponse[]> {
    return (await this.present(builds, workspaces)).builds;
  }

  async build(build: WorkspaceBuildEntity, workspace: WorkspaceEntity): Promise<WorkspaceBuildResponse> {
    return (await this.builds([build], [workspace]))[0];
  }

  /** `viewerId`: who asks; `favorite` is true only for the owner's own favorites (as Coder). */
  async workspaces(list: WorkspaceEntity[], viewerId: string): Promise<WorkspaceResponse[]> {
    if (list.length === 0) return [];
    const [latest, templates] = await Promise.all([
      this.buildsRepo.getLatestBuilds(list.map((w) => w.id)),
      this.templates.templatesByIds(list.map((w) => w.templateId)),
    ]);
    const { builds, users } = await this.present(latest, list);
    const now = new Date();
    const byWorkspace = new Map(builds.map((b) => [b.workspace_id, b]));
    return list.map((w) => {
      const build = byWorkspace.get(w.id);
      const template = templates.get(w.templateId);
      if (!build || !template) throw internalError(`workspace ${w.id} has no build or template`);
      const out: WorkspaceResponse = {
        id: w.id,
        created_at: w.createdAt.toISOString(),
        updated_at: w.updatedAt.toISOString(),
        owner_id: w.ownerId,
        owner_name: users.get(w.ownerId)?.username ?? '',
        owner_avatar_url: users.get(w.ownerId)?.avatar_url ?? '',
        organization_id: w.organizationId,
        // A workspace is in its template's organization; the template was read with it.
        organization_name: template.organization?.name ?? '',
        template_id: w.templateId,
        template_name: template.name,
        template_display_name: template.displayName,
        template_icon: template.icon,
        template_allow_user_cancel_workspace_jobs: template.allowUserCancelWorkspaceJobs,
        template_active_version_id: template.activeVersionId,
        template_require_active_version: template.requireActiveVersion,
        template_use_classic_parameter_flow: template.useClassicParameterFlow,
        latest_build: build,
        latest_app_status: null,
        outdated: build.template_version_id !== template.activeVersionId,
        name: w.name,
        last_used_at: w.lastUsedAt.toISOString(),
        deleting_at: null,
        locked_at: null,
        dormant_at: null,
        // No agents run here, so none can be unhealthy.
        health: { healthy: true, failing_agents: [] },
        automatic_updates: w.automaticUpdates,
        allow_renames: false,
        favorite: w.favorite === true && w.ownerId === viewerId,
        // Coder stores next_start_at when the schedule or the template's days change and after each
        // autostart; computing it from now gives the same instant.
        next_start_at: w.autostartSchedule
          ? (nextAllowedAutostart(now, w.autostartSchedule, template.autostartAllowedDays)?.toISOString() ?? null)
          : null,
        is_prebuild: false,
      };
      if (w.autostartSchedule) out.autostart_schedule = w.autostartSchedule;
      if (w.ttl !== null) out.ttl_ms = Math.floor(w.ttl / NS_PER_MS);
      return out;
    });
  }

  private async present(
    builds: WorkspaceBuildEntity[],
    workspaces: WorkspaceEntity[],
  ): Promise<{ builds: WorkspaceBuildResponse[]; users: Users }> {
    const jobIds = builds.map((b) => b.jobId);
    // The jobs first: a job completes in the transaction that stores its resources, so resources
    // read after a job was seen completed are all there (read concurrently, a completed job could
    // show none). The other way round, a job seen before its completion may have committed its
    // resources by the time they are read: those are shown only with the job seen completed, so the
    // answer never shows a pending or running job with resources (see `resources:` below).
    const jobs = await this.jobs.describeBuildJobs(jobIds);
    const [resources, versions, users] = await Promise.all([
      this.jobs.resources(jobIds),
      this.templates.versionsByIds(builds.map((b) => b.templateVersionId)),
      this.users.minimalUsersByIds([...builds.map((b) => b.initiatorId), ...workspaces.map((w) => w.ownerId)]),
    ]);
    const resourcesOf = new Map<string, WorkspaceResourceResponse[]>();
    for (const r of resources) resourcesOf.set(r.job_id, [...(resourcesOf.get(r.job_id) ?? []), r]);
    const byId = new Map(workspaces.map((w) => [w.id, w]));
    const out = builds.map((b): WorkspaceBuildResponse => {
      const workspace = byId.get(b.workspaceId);
      const described = jobs.get(b.jobId);
      if (!workspace || !described) throw internalError(`workspace build ${b.id} has no workspace or job`);
      const { job } = described;
      const owner = users.get(workspace.ownerId);
      const out: WorkspaceBuildResponse = {
        id: b.id,
        created_at: b.createdAt.toISOString(),
        updated_at: (described.updatedAt ?? b.updatedAt).toISOString(),
        workspace_id: workspace.id,
        workspace_name: workspace.name,
        workspace_owner_id: workspace.ownerId,
        workspace_owner_name: owner?.username ?? '',
        template_version_id: b.templateVersionId,
        template_version_name: versions.get(b.templateVersionId)?.name ?? '',
        build_number: b.buildNumber,
        transition: b.transition,
        initiator_id: b.initiatorId,
        initiator_name: users.get(b.initiatorId)?.username ?? '',
        job,
        reason: b.reason,
        resources: job.completed_at === undefined ? [] : (resourcesOf.get(b.jobId) ?? []),
        deadline: described.deadline ? described.deadline.toISOString() : null,
        max_deadline: described.maxDeadline ? described.maxDeadline.toISOString() : null,
        status: workspaceStatus(job.status, b.transition),
        daily_cost: described.dailyCost ?? b.dailyCost,
        matched_provisioners: job.matched_provisioners ?? { count: 0, available: 0, most_recently_seen: null },
        template_version_preset_id: null,
        has_external_agent: false,
      };
      if (owner?.avatar_url) out.workspace_owner_avatar_url = owner.avatar_url;
      return out;
    });
    return { builds: out, users };
  }
}
