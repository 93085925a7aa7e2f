import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isAbsent } from '../../common/coder-validators.js';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ApiError, badRequest, forbidden, notFound, validationFailed } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { jobStatus } from '../provisioning/dto/job.dto.js';
import { JobsService } from '../provisioning/jobs.service.js';
import type { Actor } from '../rbac/actor.js';
import { canOnTemplate } from '../rbac/template-access.js';
import type { TemplateResponse } from './dto/template.dto.js';
import type { UpdateActiveTemplateVersionRequest, UpdateTemplateMetaRequest } from './dto/update-template.dto.js';
import type { TemplateEntity } from './entities/template.entity.js';
import type { TemplateVersionEntity } from './entities/template-version.entity.js';
import { TemplatePresenter } from './template-presenter.js';
import { patchedTemplate, templateAuditSnapshot } from './template-settings.js';
import { TemplateVersionsRepository } from './template-versions.repository.js';
import { templateNameTaken, TemplatesService } from './templates.service.js';
import { TemplatesRepository } from './templates.repository.js';

const VERSION_MISSING = () => new ApiError(404, { message: 'Template version not found.' });

const sameSettings = (a: TemplateEntity, b: TemplateEntity) =>
  JSON.stringify(templateAuditSnapshot(a)) === JSON.stringify(templateAuditSnapshot(b));

/** `PATCH /templates/{template}` (settings) and `PATCH /templates/{template}/versions` (the active version). */
@Injectable()
export class TemplateUpdateService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly templates: TemplatesService,
    private readonly repo: TemplatesRepository,
    private readonly versions: TemplateVersionsRepository,
    private readonly presenter: TemplatePresenter,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
  ) {}

  /** A live template the actor may update: 404 when it cannot see it, 403 when it only uses it. */
  private async updatable(actor: Actor, param: string): Promise<TemplateEntity> {
    const template = await this.templates.resolveTemplate(actor, param);
    if (!canOnTemplate(actor, 'update', template)) throw forbidden();
    return template;
  }

  /**
   * Applies the sent settings under the row lock. A request that changes nothing answers 200 with
   * the template, unwritten and unaudited (Coder answers 304, which its newer SDK treats as an error).
   */
  async updateMeta(actor: Actor, param: string, body: UpdateTemplateMetaRequest, meta: RequestMeta): Promise<TemplateResponse> {
    const template = await this.updatable(actor, param);
    let wanted = template.name;
    try {
      const saved = await this.db.transaction(async (manager) => {
        const current = await this.lockLive(manager, template.id);
        const next = patchedTemplate(current, body);
        wanted = next.name;
        if (sameSettings(current, next)) return current;
        const holder = next.name === current.name ? null : await this.repo.getTemplateByOrgAndName(current.organizationId, next.name, manager);
        if (holder && holder.id !== current.id) throw templateNameTaken(next.name);
        next.updatedAt = new Date();
        await this.repo.updateTemplateSettings(manager, next);
        await this.record(manager, actor, meta, current, next);
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
    param: string,
    body: UpdateActiveTemplateVersionRequest,
    meta: RequestMeta,
  ): Promise<{ message: string }> {
    const template = await this.updatable(actor, param);
    if (isAbsent(body.id)) throw validationFailed([{ field: 'id', detail: `Validation failed for tag "required" with value: "${body.id}"` }]);
    const version = await this.promotable(actor, template, body.id.toLowerCase());
    await this.db.transaction(async (manager) => {
      const current = await this.lockLive(manager, template.id);
      if (current.activeVersionId === version.id) return;
      const next = { ...current, activeVersionId: version.id, updatedAt: new Date() };
      await this.repo.setActiveVersion(manager, current.id, version.id, next.updatedAt);
      await this.record(manager, actor, meta, current, next);
    });
    return { message: 'Updated the active template version!' };
  }

  private async promotable(actor: Actor, template: TemplateEntity, id: string): Promise<TemplateVersionEntity> {
    const found = await this.templates.findVersion(id);
    if (!found || !this.templates.canOnVersion(actor, 'read', found)) throw VERSION_MISSING();
    const { version } = found;
    if (version.templateId !== template.id) throw badRequest("The provided template version doesn't belong to the specified template.");
    const job = await this.jobs.getJob(version.jobId);
    const status = job ? jobStatus(job) : 'failed';
    if (status !== 'succeeded') {
      throw forbidden('Only versions that have been built successfully can be promoted.', `Attempted to promote a version with a ${status} build`);
    }
    if (version.archived) throw badRequest('The provided template version is archived.');
    return version;
  }

  private async lockLive(manager: EntityManager, id: string): Promise<TemplateEntity> {
    const locked = await this.repo.lockTemplate(manager, id, 'update');
    if (!locked || locked.deleted) throw notFound();
    return locked;
  }

  private record(manager: EntityManager, actor: Actor, meta: RequestMeta, before: TemplateEntity, after: TemplateEntity): Promise<void> {
    return this.audit.record(
      {
        meta,
        userId: actor.id,
        organizationId: before.organizationId,
        resourceType: 'template',
        resourceId: before.id,
        resourceTarget: after.name,
        action: 'write',
        statusCode: 200,
        diff: auditDiff(templateAuditSnapshot(before), templateAuditSnapshot(after)),
      },
      manager,
    );
  }
}
