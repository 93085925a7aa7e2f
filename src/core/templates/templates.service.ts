import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ApiError, badRequest, forbidden, invalidUuid, isUuid, notFound } from '../../common/errors.js';
import { parsePagination, QueryParser } from '../../common/query.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import type { Actor } from '../rbac/actor.js';
import type { Action } from '../rbac/permissions.js';
import { can, isOrgMember } from '../rbac/policy.js';
import { canOnTemplate } from '../rbac/template-access.js';
import type { TemplateResponse } from './dto/template.dto.js';
import type { TemplateVersionEntity } from './entities/template-version.entity.js';
import type { TemplateEntity } from './entities/template.entity.js';
import { TemplatePresenter } from './template-presenter.js';
import { TemplateVersionsRepository } from './template-versions.repository.js';
import { TemplatesRepository } from './templates.repository.js';

export const WORKSPACES_REMAIN = 'All workspaces must be deleted before a template can be removed.';

/** Coder's answer when a template name is taken in the organization (create and rename). */
export function templateNameTaken(name: string): ApiError {
  return new ApiError(409, {
    message: `Template with name "${name}" already exists.`,
    validations: [{ field: 'name', detail: 'This value is already in use and should be unique.' }],
  });
}

export interface VisibleVersion {
  version: TemplateVersionEntity;
  /** The template the version belongs to (possibly deleted), or null while unattached. */
  template: TemplateEntity | null;
}

/**
 * Templates as other modules see them: lookups that answer 404 for what the actor may not read,
 * the access rules for versions, and the template read and delete routes.
 */
@Injectable()
export class TemplatesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: TemplatesRepository,
    private readonly versions: TemplateVersionsRepository,
    private readonly presenter: TemplatePresenter,
    private readonly orgs: OrganizationsService,
    private readonly audit: AuditService,
  ) {}

  /** `{template}` → a live template the actor may read, or 400 (not a UUID) / 404. */
  async resolveTemplate(actor: Actor, param: string): Promise<TemplateEntity> {
    if (!isUuid(param)) throw invalidUuid('template', param);
    const template = await this.repo.getTemplateById(param.toLowerCase());
    if (!template || template.deleted || !canOnTemplate(actor, 'read', template)) throw notFound();
    return template;
  }

  /** A live template by id the actor may read (`read` is what Coder calls "use"), or null. */
  async findUsableTemplate(actor: Actor, id: string): Promise<TemplateEntity | null> {
    const template = await this.repo.getTemplateById(id);
    return template && canOnTemplate(actor, 'read', template) ? template : null;
  }

  /**
   * Access to a version: through its template's rules, or, while unattached, for those who may
   * act on templates in its organization and for its creator.
   */
  canOnVersion(actor: Actor, action: Action, v: VisibleVersion): boolean {
    if (v.template) return canOnTemplate(actor, action, v.template);
    if (can(actor, action, { type: 'template', orgId: v.version.organizationId })) return true;
    return v.version.createdBy === actor.id && isOrgMember(actor, v.version.organizationId);
  }

  /** `{templateversion}` → the version and its template, or 400 (not a UUID) / 404. */
  async resolveVersion(actor: Actor, param: string): Promise<VisibleVersion> {
    if (!isUuid(param)) throw invalidUuid('templateversion', param);
    const found = await this.findVersion(param.toLowerCase());
    if (!found || !this.canOnVersion(actor, 'read', found)) throw notFound();
    return found;
  }

  async findVersion(id: string): Promise<VisibleVersion | null> {
    const version = await this.versions.getVersionById(id);
    if (!version) return null;
    const template = version.templateId ? await this.repo.getTemplateById(version.templateId) : null;
    return { version, template };
  }

  /** Templates by id, deleted ones included (for presenting workspaces). */
  async templatesByIds(ids: string[]): Promise<Map<string, TemplateEntity>> {
    return new Map((await this.repo.getTemplatesByIds(ids)).map((t) => [t.id, t]));
  }

  async versionsByIds(ids: string[]): Promise<Map<string, TemplateVersionEntity>> {
    return new Map((await this.versions.getVersionsByIds(ids)).map((v) => [v.id, v]));
  }

  /** Locks a template row in the caller's transaction (`share` for builds, `update` for deletes). */
  lockTemplate(manager: EntityManager, id: string, mode: 'update' | 'share'): Promise<TemplateEntity | null> {
    return this.repo.lockTemplate(manager, id, mode);
  }

  async get(actor: Actor, param: string): Promise<TemplateResponse> {
    return this.presenter.template(await this.resolveTemplate(actor, param));
  }

  /** The organization's templates the actor may read, most used first (then by name, as Coder). */
  async list(actor: Actor, orgParam: string): Promise<TemplateResponse[]> {
    const org = await this.orgs.resolveVisible(actor, orgParam);
    const readable = (await this.repo.listTemplatesOfOrg(org.id)).filter((t) => canOnTemplate(actor, 'read', t));
    const presented = await this.presenter.templates(readable);
    return presented
      .map((t, i) => ({ t, i }))
      .sort((a, b) => b.t.active_user_count - a.t.active_user_count || a.i - b.i)
      .map(({ t }) => t);
  }

  async getByName(actor: Actor, orgParam: string, name: string): Promise<TemplateResponse> {
    const org = await this.orgs.resolveVisible(actor, orgParam);
    const template = await this.repo.getTemplateByOrgAndName(org.id, name);
    if (!template || !canOnTemplate(actor, 'read', template)) throw notFound();
    return this.presenter.template(template);
  }

  /** Soft delete, refused while the template has live workspaces (checked under the row lock). */
  async delete(actor: Actor, param: string, meta: RequestMeta): Promise<{ message: string }> {
    const template = await this.resolveTemplate(actor, param);
    if (!canOnTemplate(actor, 'delete', template)) throw forbidden();
    await this.db.transaction(async (manager) => {
      const locked = await this.repo.lockTemplate(manager, template.id, 'update');
      if (!locked || locked.deleted) throw notFound();
      if ((await this.repo.countLiveWorkspaces(manager, template.id)) > 0) throw badRequest(WORKSPACES_REMAIN);
      await this.repo.softDeleteTemplate(manager, template.id);
      await this.audit.record(
        {
          meta,
          userId: actor.id,
          organizationId: template.organizationId,
          resourceType: 'template',
          resourceId: template.id,
          resourceTarget: template.name,
          action: 'delete',
          statusCode: 200,
          diff: auditDiff({ deleted: false }, { deleted: true }),
        },
        manager,
      );
    });
    return { message: 'Template has been deleted!' };
  }

  async listVersions(actor: Actor, param: string, query: Record<string, unknown>) {
    const template = await this.resolveTemplate(actor, param);
    const parser = new QueryParser(query);
    const page = parsePagination(parser);
    parser.done();
    const rows = await this.versions.listVersionsOfTemplate(template.id, page);
    if (!rows) throw badRequest(`Record at "after_id" (${JSON.stringify(page.afterId)}) does not exist.`);
    return this.presenter.versions(rows);
  }
}
