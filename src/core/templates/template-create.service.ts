import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ApiError, badRequest, type ValidationEntry } from '../../common/errors.js';
import { isUniqueViolation } from '../../database/pg-errors.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { JobsService } from '../provisioning/jobs.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import type { Actor } from '../rbac/actor.js';
import type { CreateTemplateRequest, RestartRequirement, TemplateResponse } from './dto/template.dto.js';
import { TemplateEntity } from './entities/template.entity.js';
import { TemplatePresenter, toTemplateResponse, WEEKDAYS } from './template-presenter.js';
import { TemplatesService } from './templates.service.js';
import { TemplateVersionsRepository } from './template-versions.repository.js';
import { TemplatesRepository } from './templates.repository.js';

const NS_PER_MS = 1_000_000;
/** Coder's schedule.MaxTemplateRestartRequirementWeeks. */
const MAX_RESTART_WEEKS = 16;
const POSITIVE = 'Must be a positive integer.';

function nameTaken(name: string): ApiError {
  return new ApiError(409, {
    message: `Template with name "${name}" already exists.`,
    validations: [{ field: 'name', detail: 'This value is already in use and should be unique.' }],
  });
}

function versionMissing(id: string): ApiError {
  return new ApiError(404, {
    message: `Template version "${id}" does not exist.`,
    validations: [{ field: 'template_version_id', detail: 'Template version does not exist' }],
  });
}

function versionTaken(id: string): ApiError {
  return badRequest(`Template version ${id} is already part of a template`, undefined, [
    { field: 'template_version_id', detail: 'Template version is already part of a template' },
  ]);
}

interface Schedule {
  defaultTtl: number;
  maxTtl: number;
  failureTtl: number;
  inactivityTtl: number;
  lockedTtl: number;
  daysBitmap: number;
  weeks: number;
}

/**
 * Coder's TTL checks for a new template, all reported together. Unlike Coder mid-2023 (which
 * assigned `max_ttl_ms` after checking it), the `max_ttl_ms` checks do fire.
 */
export function templateSchedule(body: CreateTemplateRequest): Schedule {
  const problems: ValidationEntry[] = [];
  const ms = (field: string, value: number | null | undefined): number => {
    if (value === null || value === undefined) return 0;
    if (value < 0) problems.push({ field, detail: POSITIVE });
    return Math.max(value, 0) * NS_PER_MS;
  };
  const defaultTtl = ms('default_ttl_ms', body.default_ttl_ms);
  const maxTtl = ms('max_ttl_ms', body.max_ttl_ms);
  if (maxTtl > 0 && defaultTtl > maxTtl) {
    problems.push({ field: 'default_ttl_ms', detail: 'Must be less than or equal to max_ttl_ms if max_ttl_ms is set.' });
  }
  const requirement = restartRequirement(body.restart_requirement ?? body.autostop_requirement ?? undefined, problems);
  const schedule: Schedule = {
    defaultTtl,
    maxTtl,
    failureTtl: ms('failure_ttl_ms', body.failure_ttl_ms),
    inactivityTtl: ms('inactivity_ttl_ms', body.inactivity_ttl_ms ?? body.time_til_dormant_ms),
    lockedTtl: ms('locked_ttl_ms', body.locked_ttl_ms ?? body.time_til_dormant_autodelete_ms),
    ...requirement,
  };
  if (problems.length > 0) throw badRequest('Invalid create template request.', undefined, problems);
  return schedule;
}

function restartRequirement(req: RestartRequirement | undefined, problems: ValidationEntry[]) {
  let daysBitmap = 0;
  let weeks = 1;
  if (!req) return { daysBitmap, weeks };
  for (const day of req.days_of_week) {
    const index = (WEEKDAYS as readonly string[]).indexOf(day.toLowerCase());
    if (index === -1) problems.push({ field: 'restart_requirement.days_of_week', detail: `invalid weekday ${JSON.stringify(day)}` });
    else daysBitmap |= 1 << index;
  }
  if (req.weeks < 0) problems.push({ field: 'restart_requirement.weeks', detail: POSITIVE });
  else if (req.weeks > MAX_RESTART_WEEKS) problems.push({ field: 'restart_requirement.weeks', detail: `Must be less than ${MAX_RESTART_WEEKS}.` });
  else if (req.weeks > 0) weeks = req.weeks;
  return { daysBitmap, weeks };
}

function newTemplate(
  actor: Actor,
  orgId: string,
  versionId: string,
  provisioner: string,
  body: CreateTemplateRequest,
  schedule: Schedule,
): TemplateEntity {
  const now = new Date();
  return Object.assign(new TemplateEntity(), {
    id: randomUUID(),
    createdAt: now,
    updatedAt: now,
    organizationId: orgId,
    deleted: false,
    name: body.name,
    displayName: body.display_name ?? '',
    provisioner,
    activeVersionId: versionId,
    description: body.description ?? '',
    icon: body.icon ?? '',
    defaultTtl: schedule.defaultTtl,
    maxTtl: schedule.maxTtl,
    createdBy: actor.id,
    userAcl: {},
    // The Everyone group (id = organization id) may use the template unless the caller opts out.
    groupAcl: body.disable_everyone_group_access ? {} : { [orgId]: ['read'] },
    allowUserCancelWorkspaceJobs: body.allow_user_cancel_workspace_jobs ?? false,
    allowUserAutostart: body.allow_user_autostart ?? true,
    allowUserAutostop: body.allow_user_autostop ?? true,
    failureTtl: schedule.failureTtl,
    inactivityTtl: schedule.inactivityTtl,
    lockedTtl: schedule.lockedTtl,
    restartRequirementDaysOfWeek: schedule.daysBitmap,
    restartRequirementWeeks: schedule.weeks,
  });
}

/** `POST /organizations/{organization}/templates`, in Coder's order of checks. */
@Injectable()
export class TemplateCreateService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: TemplatesRepository,
    private readonly versions: TemplateVersionsRepository,
    private readonly templates: TemplatesService,
    private readonly presenter: TemplatePresenter,
    private readonly jobs: JobsService,
    private readonly orgs: OrganizationsService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, orgParam: string, body: CreateTemplateRequest, meta: RequestMeta): Promise<TemplateResponse> {
    const org = await this.orgs.resolveVisible(actor, orgParam);
    if (await this.repo.getTemplateByOrgAndName(org.id, body.name)) throw nameTaken(body.name);
    const versionId = body.template_version_id.toLowerCase();
    const provisioner = await this.unattachedVersionProvisioner(actor, org.id, versionId);
    const template = newTemplate(actor, org.id, versionId, provisioner, body, templateSchedule(body));
    try {
      await this.db.transaction((manager) => this.insert(manager, actor, template, meta));
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(body.name);
      throw err;
    }
    return this.presenter.template(template);
  }

  /** The version must be of this organization, readable, not yet in a template; its job gives the provisioner. */
  private async unattachedVersionProvisioner(actor: Actor, orgId: string, versionId: string): Promise<string> {
    const found = await this.templates.findVersion(versionId);
    if (!found || found.version.organizationId !== orgId || !this.templates.canOnVersion(actor, 'read', found)) {
      throw versionMissing(versionId);
    }
    if (found.version.templateId) throw versionTaken(versionId);
    const job = await this.jobs.getJob(found.version.jobId);
    if (!job) throw versionMissing(versionId);
    return job.provisioner;
  }

  private async insert(manager: EntityManager, actor: Actor, template: TemplateEntity, meta: RequestMeta): Promise<void> {
    await this.repo.insertTemplate(manager, template);
    // Guarded update: a version attached meanwhile by a concurrent request is refused here.
    if (!(await this.versions.attachVersion(manager, template.activeVersionId, template.id))) throw versionTaken(template.activeVersionId);
    await this.audit.record(
      {
        meta,
        userId: actor.id,
        organizationId: template.organizationId,
        resourceType: 'template',
        resourceId: template.id,
        resourceTarget: template.name,
        action: 'create',
        statusCode: 201,
        diff: auditDiff(null, { ...toTemplateResponse(template, 0, actor.username) }),
      },
      manager,
    );
  }
}
