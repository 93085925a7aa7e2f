import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { badRequest, forbidden, notFound } from '../../common/errors.js';
import { parsePagination, QueryParser } from '../../common/query.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { JobReaperRepository } from '../provisioning/job-reaper.repository.js';
import type { Actor } from '../rbac/actor.js';
import type { Action } from '../rbac/permissions.js';
import { can, isOrgMember } from '../rbac/policy.js';
import { canOnTemplate } from '../rbac/template-access.js';
import type { TemplateResponse } from './dto/template.dto.js';
import type { TemplateVersionResponse } from './dto/template-version.dto.js';
import type { TemplateVersionEntity } from './entities/template-version.entity.js';
import type { TemplateEntity } from './entities/template.entity.js';
import { TemplatePresenter } from './template-presenter.js';
import { parseTemplateSearch } from './template-search.js';
import { TemplateVersionsRepository } from './template-versions.repository.js';
import { afterIdMissing, workspacesRemain } from './templates.errors.js';
import { TemplatesRepository } from './templates.repository.js';

export interface VisibleVersion {
  version: TemplateVersionEntity;
  /** The template the version belongs to (possibly deleted), or null while unattached. */
  template: TemplateEntity | null;
}

/**
 * Templates as other modules see them (lookups by what the actor may read, the access rules for
 * versions, the row lock builds take), and the template read, list and delete routes.
 */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly db: Database,
    private readonly repo: TemplatesRepository,
    private readonly versions: TemplateVersionsRepository,
    private readonly presenter: TemplatePresenter,
    private readonly audit: AuditService,
    private readonly jobs: JobReaperRepository,
    private readonly orgs: OrganizationsService,
  ) {}

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
  lockTemplate(id: string, mode: 'update' | 'share'): Promise<TemplateEntity | null> {
    return this.repo.lockTemplate(id, mode);
  }

  /** `GET /templates/{template}` and `GET /organizations/{organization}/templates/{templatename}`. */
  get(template: TemplateEntity): Promise<TemplateResponse> {
    return this.presenter.template(template);
  }

  /** The organization's templates the actor may read, most used first (then by name, as Coder). */
  async list(actor: Actor, org: OrganizationEntity): Promise<TemplateResponse[]> {
    const readable = (await this.repo.listTemplatesOfOrg(org.id)).filter((t) => canOnTemplate(actor, 'read', t));
    const presented = await this.presenter.templates(readable);
    return presented
      .map((t, i) => ({ t, i }))
      .sort((a, b) => b.t.active_user_count - a.t.active_user_count || a.i - b.i)
      .map(({ t }) => t);
  }

  /**
   * `GET /templates` (Coder's current site-wide list; the current dashboard's Templates and
   * Workspaces pages read it): every template the caller may read, in every organization, filtered
   * by `q` (template-search.ts; deprecated templates only when asked for), by name then id. Other
   * query parameters are ignored, as Coder reads only `q`.
   */
  async search(actor: Actor, query: Record<string, unknown>): Promise<TemplateResponse[]> {
    const q: unknown = Array.isArray(query.q) ? (query.q as unknown[])[0] : query.q;
    const filter = parseTemplateSearch(typeof q === 'string' ? q : undefined);
    let organizationId: string | undefined;
    if (filter.organization !== undefined) {
      const found = await this.orgs.searchKeyOrganization(actor, filter.organization);
      if ('invalid' in found) throw badRequest('Invalid template search query.', undefined, [found.invalid]);
      organizationId = found.id;
    }
    if (filter.author === 'me') filter.authorId = actor.id;
    const rows = await this.repo.searchTemplates({
      ...filter,
      author: filter.author === 'me' ? undefined : filter.author,
      organizationId,
    });
    return this.presenter.templates(rows.filter((t) => canOnTemplate(actor, 'read', t)));
  }

  /**
   * Soft delete, refused while the template has live workspaces (checked under the row lock). Its
   * versions' imports still pending are canceled with it: nothing of a deleted template waits in the queue.
   */
  async delete(actor: Actor, template: TemplateEntity, meta: RequestMeta): Promise<{ message: string }> {
    if (!canOnTemplate(actor, 'delete', template)) throw forbidden();
    await this.db.transaction(async () => {
      const locked = await this.repo.lockTemplate(template.id, 'update');
      if (!locked || locked.deleted) throw notFound();
      if ((await this.repo.countLiveWorkspaces(template.id)) > 0) throw workspacesRemain();
      await this.repo.softDeleteTemplate(template.id);
      await this.jobs.cancelPendingJobsOfTemplate(template.id);
      await this.audit.record({
        meta,
        userId: actor.id,
        organizationId: template.organizationId,
        resourceType: 'template',
        resourceId: template.id,
        resourceTarget: template.name,
        action: 'delete',
        statusCode: 200,
        diff: auditDiff({ deleted: false }, { deleted: true }),
      });
    });
    return { message: 'Template has been deleted!' };
  }

  /** `GET /templates/{template}/versions`: a page of its versions, oldest first. */
  async listVersions(template: TemplateEntity, query: Record<string, unknown>): Promise<TemplateVersionResponse[]> {
    const parser = new QueryParser(query);
    const page = parsePagination(parser);
    parser.done();
    const rows = await this.versions.listVersionsOfTemplate(template.id, page);
    if (!rows) throw afterIdMissing(page.afterId);
    return this.presenter.versions(rows);
  }
}
