import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { everyoneGroupId } from '../groups/everyone-group.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import { JobsService } from '../provisioning/jobs.service.js';
import type { Actor } from '../rbac/actor.js';
import type { CreateTemplateRequest, TemplateResponse } from './dto/template.dto.js';
import type { TemplateEntity } from './entities/template.entity.js';
import { TemplatePresenter, toTemplateResponse } from './template-presenter.js';
import { newTemplateSettings, type TemplateSettings } from './template-settings.js';
import { TemplateVersionsRepository } from './template-versions.repository.js';
import { createVersionMissing, templateNameTaken, versionTaken } from './templates.errors.js';
import { TemplatesRepository } from './templates.repository.js';
import { TemplatesService } from './templates.service.js';

function newTemplate(
  actor: Actor,
  orgId: string,
  versionId: string,
  provisioner: string,
  body: CreateTemplateRequest,
  settings: TemplateSettings,
): TemplateEntity {
  const now = new Date();
  return {
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
    ...settings,
    createdBy: actor.id,
    userAcl: {},
    // The Everyone group may use the template unless the caller opts out.
    groupAcl: body.disable_everyone_group_access ? {} : { [everyoneGroupId(orgId)]: ['read'] },
    allowUserCancelWorkspaceJobs: body.allow_user_cancel_workspace_jobs ?? false,
    allowUserAutostart: body.allow_user_autostart ?? true,
    allowUserAutostop: body.allow_user_autostop ?? true,
    requireActiveVersion: body.require_active_version ?? false,
    deprecationMessage: '',
    // Coder defaults to false (dynamic parameters), a WebSocket flow this server does not serve: the
    // current dashboard's build-parameter dialogs work here only with the classic flow.
    useClassicParameterFlow: body.template_use_classic_parameter_flow ?? true,
    agentsAllowed: body.agents_allowed ?? true,
    disableModuleCache: false,
  };
}

/** `POST /organizations/{organization}/templates`, in Coder's order of checks. */
@Injectable()
export class TemplateCreateService {
  constructor(
    private readonly db: Database,
    private readonly repo: TemplatesRepository,
    private readonly versions: TemplateVersionsRepository,
    private readonly templates: TemplatesService,
    private readonly presenter: TemplatePresenter,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
  ) {}

  async create(
    actor: Actor,
    org: OrganizationEntity,
    body: CreateTemplateRequest,
    meta: RequestMeta,
  ): Promise<TemplateResponse> {
    if (await this.repo.getTemplateByOrgAndName(org.id, body.name)) throw templateNameTaken(body.name);
    const versionId = body.template_version_id.toLowerCase();
    const provisioner = await this.unattachedVersionProvisioner(actor, org.id, versionId);
    const template = newTemplate(actor, org.id, versionId, provisioner, body, newTemplateSettings(body));
    try {
      await this.db.transaction(() => this.insert(actor, template, meta));
    } catch (err) {
      if (isUniqueViolation(err)) throw templateNameTaken(body.name);
      throw err;
    }
    return this.presenter.template(template);
  }

  /** The version must be of this organization, readable, not yet in a template; its job gives the provisioner. */
  private async unattachedVersionProvisioner(actor: Actor, orgId: string, versionId: string): Promise<string> {
    const found = await this.templates.findVersion(versionId);
    if (!found || found.version.organizationId !== orgId || !this.templates.canOnVersion(actor, 'read', found)) {
      throw createVersionMissing(versionId);
    }
    if (found.version.templateId) throw versionTaken(versionId);
    const job = await this.jobs.getJob(found.version.jobId);
    if (!job) throw createVersionMissing(versionId);
    return job.provisioner;
  }

  private async insert(actor: Actor, template: TemplateEntity, meta: RequestMeta): Promise<void> {
    await this.repo.insertTemplate(template);
    // Guarded update: a version attached meanwhile by a concurrent request is refused here.
    if (!(await this.versions.attachVersion(template.activeVersionId, template.id)))
      throw versionTaken(template.activeVersionId);
    await this.audit.record({
      meta,
      userId: actor.id,
      organizationId: template.organizationId,
      resourceType: 'template',
      resourceId: template.id,
      resourceTarget: template.name,
      action: 'create',
      statusCode: 201,
      diff: auditDiff(null, { ...toTemplateResponse(template, 0, actor.username) }),
    });
  }
}
