import { Injectable } from '@nestjs/common';
import { NIL_UUID } from '../../common/coder-validators.js';
import { internalError } from '../../common/errors.js';
import { JobsService } from '../provisioning/jobs.service.js';
import { UsersRepository } from '../users/users.repository.js';
import type { TemplateResponse } from './dto/template.dto.js';
import type { TemplateVersionResponse } from './dto/template-version.dto.js';
import type { TemplateVersionEntity } from './entities/template-version.entity.js';
import type { TemplateEntity } from './entities/template.entity.js';
import { bitmapToWeekdays } from './template-settings.js';
import { TemplatesRepository } from './templates.repository.js';

const NS_PER_MS = 1_000_000;

const NO_STATS = () => ({ P50: null, P95: null });

/** Milliseconds of a nanosecond column (TypeORM hands back bigint values written by an insert as strings). */
const ms = (ns: number | string) => Math.floor(Number(ns) / NS_PER_MS);

export function toTemplateResponse(t: TemplateEntity, activeUsers: number, createdByName: string): TemplateResponse {
  const requirement = {
    days_of_week: bitmapToWeekdays(Number(t.restartRequirementDaysOfWeek)),
    weeks: Number(t.restartRequirementWeeks),
  };
  return {
    id: t.id,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
    organization_id: t.organizationId,
    organization_name: t.organization?.name ?? '',
    organization_display_name: t.organization?.displayName ?? '',
    organization_icon: t.organization?.icon ?? '',
    name: t.name,
    display_name: t.displayName,
    provisioner: t.provisioner,
    active_version_id: t.activeVersionId,
    active_user_count: activeUsers,
    build_time_stats: { start: NO_STATS(), stop: NO_STATS(), delete: NO_STATS() },
    description: t.description,
    icon: t.icon,
    default_ttl_ms: ms(t.defaultTtl),
    max_ttl_ms: ms(t.maxTtl),
    created_by_id: t.createdBy,
    created_by_name: createdByName,
    allow_user_autostart: t.allowUserAutostart,
    allow_user_autostop: t.allowUserAutostop,
    allow_user_cancel_workspace_jobs: t.allowUserCancelWorkspaceJobs,
    failure_ttl_ms: ms(t.failureTtl),
    inactivity_ttl_ms: ms(t.inactivityTtl),
    locked_ttl_ms: ms(t.lockedTtl),
    time_til_dormant_ms: ms(t.inactivityTtl),
    time_til_dormant_autodelete_ms: ms(t.lockedTtl),
    restart_requirement: requirement,
    autostop_requirement: { ...requirement, days_of_week: [...requirement.days_of_week] },
    autostart_requirement: { days_of_week: bitmapToWeekdays(Number(t.autostartAllowedDays)) },
    activity_bump_ms: ms(t.activityBump),
    time_til_autostop_notify_ms: ms(t.timeTilAutostopNotify),
    require_active_version: t.requireActiveVersion,
    deprecated: t.deprecationMessage !== '',
    deprecation_message: t.deprecationMessage,
    max_port_share_level: t.maxPortShareLevel,
    cors_behavior: t.corsBehavior,
    use_classic_parameter_flow: t.useClassicParameterFlow,
    agents_allowed: t.agentsAllowed,
    disable_module_cache: t.disableModuleCache,
    deleted: t.deleted,
  };
}

/** Builds Template and TemplateVersion JSON for many rows with a fixed number of queries. */
@Injectable()
export class TemplatePresenter {
  constructor(
    private readonly repo: TemplatesRepository,
    private readonly users: UsersRepository,
    private readonly jobs: JobsService,
  ) {}

  async templates(list: TemplateEntity[]): Promise<TemplateResponse[]> {
    const [counts, users] = await Promise.all([
      this.repo.activeUserCounts(list.map((t) => t.id)),
      this.users.minimalUsersByIds(list.map((t) => t.createdBy)),
      this.repo.withOrganizations(list),
    ]);
    return list.map((t) => toTemplateResponse(t, counts.get(t.id) ?? 0, users.get(t.createdBy)?.username ?? ''));
  }

  async template(t: TemplateEntity): Promise<TemplateResponse> {
    return (await this.templates([t]))[0];
  }

  async versions(list: TemplateVersionEntity[]): Promise<TemplateVersionResponse[]> {
    const [jobs, users] = await Promise.all([
      this.jobs.describeJobs(list.map((v) => v.jobId)),
      this.users.minimalUsersByIds(list.map((v) => v.createdBy)),
    ]);
    return list.map((v) => {
      const job = jobs.get(v.jobId);
      if (!job) throw internalError(`template version ${v.id} has no job ${v.jobId}`);
      const creator = users.get(v.createdBy) ?? { id: v.createdBy, username: '', name: '', avatar_url: '' };
      const out: TemplateVersionResponse = {
        id: v.id,
        template_id: v.templateId ?? NIL_UUID,
        organization_id: v.organizationId,
        created_at: v.createdAt.toISOString(),
        updated_at: v.updatedAt.toISOString(),
        name: v.name,
        message: v.message,
        job,
        readme: v.readme,
        created_by: { id: creator.id, username: creator.username, name: creator.name, avatar_url: creator.avatar_url },
        archived: v.archived,
        // External agents (Coder's `coder_external_agent` resource) are not supported here.
        has_external_agent: false,
        warnings: [],
      };
      if (job.matched_provisioners) out.matched_provisioners = job.matched_provisioners;
      return out;
    });
  }

  async version(v: TemplateVersionEntity): Promise<TemplateVersionResponse> {
    return (await this.versions([v]))[0];
  }
}
