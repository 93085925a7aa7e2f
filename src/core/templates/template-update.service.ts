import { Injectable } from '@nestjs/common';
import { isAbsent } from '../../common/coder-validators.js';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { forbidden, notFound } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { jobStatus } from '../provisioning/dto/job.dto.js';
import { JobsService } from '../provisioning/jobs.service.js';
import { BuildDeadlinesService } from '../workspaces/build-deadlines.service.js';
import type { Actor } from '../rbac/actor.js';
import { canOnTemplate } from '../rbac/template-access.js';
import type { TemplateResponse } from './dto/template.dto.js';
import type { UpdateActiveTemplateVersionRequest, UpdateTemplateMetaRequest } from './dto/update-template.dto.js';
import type { TemplateEntity } from './entities/template.entity.js';
import type { TemplateVersionEntity } from './entities/template-version.entity.js';
import { TemplatePresenter } from './template-presenter.js';
import { patchedTemplate, scheduleChanged, templateAuditSnapshot } from './template-settings.js';
import {
  activeVersionRequired,
  promotedVersionMissing,
  templateNameTaken,
  versionArchived,
  versionNotBuilt,
  versionOfOtherTemplate,
} from './templates.errors.js';
import { TemplatesRepository } from './templates.repository.js';
import { TemplatesService } from './templates.service.js';

const sameSettings = (a: TemplateEntity, b: TemplateEntity) =>
  JSON.stringify(templateAuditSnapshot(a)) === JSON.stringify(templateAuditSnapshot(b));

/** `PATCH /templates/{template}` (settings) and `PATCH /templates/{template}/versions` (the active version). */
@Injectable()
export class TemplateUpdateService {
  constructor(
    private readonly db: Database,
    private readonly templates: TemplatesService,
    private readonly repo: TemplatesRepository,
    private readonly presenter: TemplatePresenter,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly deadlines: BuildDeadlinesService,
  ) {}

  /** 403 for a caller who may use the template but not update it (one who cannot see it got 404 already). */
  private assertUpdatable(actor: Actor, template: TemplateEntity): void {
    if (!canOnTemplate(actor, 'update', template)) throw forbidden();
  }

  /**
   * Applies the sent settings under the row lock. A request that changes nothing answers 200 with
   * the template, unwritten and unaudited (Coder answers 304, which its newer SDK treats as an error).
   */
  async updateMeta(
    actor: Actor,
    template: TemplateEntity,
    body: UpdateTemplateMetaRequest,
    meta: RequestMeta,
  ): Promise<TemplateResponse> {
    this.assertUpdatable(actor, template);
    let wanted = template.name;
    try {
      const saved = await this.db.transaction(async () => {
        const current = await this.lockLive(template.id);
        const next = patchedTemplate(current, body);
        wanted = next.name;
        if (sameSettings(current, next)) return current;
        const holder =
          next.name === current.name
            ? null
            : await this.repo.getTemplateByOrgAndName(current.organizationId, next.name);
        if (holder && holder.id !== current.id) throw templateNameTaken(next.name);
        next.updatedAt = new Date();
        await this.repo.updateTemplateSettings(next);
        if (scheduleChanged(current, next)) await this.deadlines.templateScheduleChanged(current.id);
        await this.record(actor, meta, current, next);
        return next;
      });
      return this.presenter.template(saved);
    } catch (err) {
      if (isUniqueViolation(err)) throw templateNameTaken(wanted);
      throw err;
    }
  }

  /**
   * Coder's checks in its order: the version exists (a version of a template the caller cannot
   * read counts as missing), belongs to this template, imported successfully, is not archived.
   */
  async activateVersion(
    actor: Actor,
    template: TemplateEntity,
    body: UpdateActiveTemplateVersionRequest,
    meta: RequestMeta,
  ): Promise<{ message: string }> {
    this.assertUpdatable(actor, template);
    if (isAbsent(body.id)) throw activeVersionRequired(body.id);
    const version = await this.promotable(actor, template, body.id.toLowerCase());
    await this.db.transaction(async () => {
      const current = await this.lockLive(template.id);
      if (current.activeVersionId === version.id) return;
      const next = { ...current, activeVersionId: version.id, updatedAt: new Date() };
      await this.repo.setActiveVersion(current.id, version.id, next.updatedAt);
      await this.record(actor, meta, current, next);
    });
    return { message: 'Updated the active template version!' };
  }

  private async promotable(actor: Actor, template: TemplateEntity, id: string): Promise<TemplateVersionEntity> {
    const found = await this.templates.findVersion(id);
    if (!found || !this.templates.canOnVersion(actor, 'read', found)) throw promotedVersionMissing();
    const { version } = found;
    if (version.templateId !== template.id) throw versionOfOtherTemplate();
    const job = await this.jobs.getJob(version.jobId);
    const status = job ? jobStatus(job) : 'failed';
    if (status !== 'succeeded') throw versionNotBuilt(status);
    if (version.archived) throw versionArchived();
    return version;
  }

  private async lockLive(id: string): Promise<TemplateEntity> {
    const locked = await this.repo.lockTemplate(id, 'update');
    if (!locked || locked.deleted) throw notFound();
    return locked;
  }

  private record(actor: Actor, meta: RequestMeta, before: TemplateEntity, after: TemplateEntity): Promise<void> {
    return this.audit.record({
      meta,
      userId: actor.id,
      organizationId: before.organizationId,
      resourceType: 'template',
      resourceId: before.id,
      resourceTarget: after.name,
      action: 'write',
      statusCode: 200,
      diff: auditDiff(templateAuditSnapshot(before), templateAuditSnapshot(after)),
    });
  }
}
