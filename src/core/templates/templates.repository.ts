import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Database } from '../../database/database.js';
import { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import { TemplateEntity, type TemplateAcl } from './entities/template.entity.js';
import type { TemplateFilter } from './template-search.js';

/**
 * The owner of `templates`, ACL columns included: lookups, the insert, settings, ACL and soft
 * delete, and the figures a template's JSON and its delete rule read from its live workspaces.
 */
@Injectable()
export class TemplatesRepository {
  constructor(private readonly db: Database) {}

  // Lookups join the organization: a template's JSON carries its name, display name and icon
  // (Coder's current shape), and the join costs no extra statement.
  getTemplateById(id: string): Promise<TemplateEntity | null> {
    return this.db.manager.findOne(TemplateEntity, { where: { id }, relations: { organization: true } });
  }

  getTemplatesByIds(ids: string[]): Promise<TemplateEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.manager
      .createQueryBuilder(TemplateEntity, 't')
      .leftJoinAndSelect('t.organization', 'o')
      .where('t.id IN (:...ids)', { ids: [...new Set(ids)] })
      .getMany();
  }

  /** The row locked for the rest of the transaction: `update` serialises deletes, `share` lets builds run together. */
  lockTemplate(id: string, mode: 'update' | 'share'): Promise<TemplateEntity | null> {
    return this.db.manager
      .createQueryBuilder(TemplateEntity, 't')
      .setLock(mode === 'update' ? 'pessimistic_write' : 'pessimistic_read')
      .where('t.id = :id', { id })
      .getOne();
  }

  /** A live template by name, case-insensitively (Coder's `LOWER(name)` lookup). */
  getTemplateByOrgAndName(organizationId: string, name: string): Promise<TemplateEntity | null> {
    return this.db.manager
      .createQueryBuilder(TemplateEntity, 't')
      .leftJoinAndSelect('t.organization', 'o')
      .where('t.organization_id = :organizationId AND t.deleted = false AND lower(t.name) = lower(:name)', {
        organizationId,
        name,
      })
      .getOne();
  }

  listTemplatesOfOrg(organizationId: string): Promise<TemplateEntity[]> {
    return this.db.manager
      .createQueryBuilder(TemplateEntity, 't')
      .leftJoinAndSelect('t.organization', 'o')
      .where('t.organization_id = :organizationId AND t.deleted = false', { organizationId })
      .orderBy('lower(t.name)', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .getMany();
  }

  /**
   * Coder's GetTemplatesWithFilter (`GET /templates?q=`), in its order (name, id); the caller
   * keeps the templates the actor may read.
   */
  searchTemplates(f: TemplateFilter & { organizationId?: string }): Promise<TemplateEntity[]> {
    const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const qb = this.db.manager
      .createQueryBuilder(TemplateEntity, 't')
      .leftJoinAndSelect('t.organization', 'o')
      .where('t.deleted = :deleted', { deleted: f.deleted })
      .andWhere(f.deprecated ? "t.deprecation_message <> ''" : "t.deprecation_message = ''");
    if (f.matchesNone) qb.andWhere('false');
    if (f.organizationId) qb.andWhere('t.organization_id = :orgId', { orgId: f.organizationId });
    if (f.exactName) qb.andWhere('lower(t.name) = lower(:exactName)', { exactName: f.exactName });
    if (f.exactDisplayName)
      qb.andWhere('lower(t.display_name) = lower(:exactDisplayName)', { exactDisplayName: f.exactDisplayName });
    if (f.name) qb.andWhere("t.name ILIKE :name ESCAPE '\\'", { name: like(f.name) });
    if (f.displayName) {
      // A template without a display name is matched on its name, the words' spaces removed.
      qb.andWhere(
        `CASE WHEN t.display_name <> '' THEN t.display_name ILIKE :displayName ESCAPE '\\'
              ELSE t.name ILIKE :displayNameAsName ESCAPE '\\' END`,
        { displayName: like(f.displayName), displayNameAsName: like(f.displayName.replace(/ /g, '')) },
      );
    }
    if (f.ids) qb.andWhere('t.id IN (:...ids)', { ids: f.ids });
    if (f.authorId) qb.andWhere('t.created_by = :authorId', { authorId: f.authorId });
    if (f.author) {
      qb.andWhere(
        't.created_by = (SELECT u.id FROM users u WHERE lower(u.username) = lower(:author) AND u.deleted = false)',
        { author: f.author },
      );
    }
    return qb.orderBy('t.name', 'ASC').addOrderBy('t.id', 'ASC').getMany();
  }

  /** Fills in the organization of templates read without it (a new row), in one statement when any lacks it. */
  async withOrganizations(templates: TemplateEntity[]): Promise<void> {
    const missing = [...new Set(templates.filter((t) => !t.organization).map((t) => t.organizationId))];
    if (missing.length === 0) return;
    const orgs = new Map((await this.db.manager.findBy(OrganizationEntity, { id: In(missing) })).map((o) => [o.id, o]));
    for (const t of templates) t.organization ??= orgs.get(t.organizationId);
  }

  async insertTemplate(template: TemplateEntity): Promise<TemplateEntity> {
    await this.db.manager.insert(TemplateEntity, template);
    return template;
  }

  /** Writes every setting a `PATCH /templates/{template}` may change (and `updated_at`). */
  async updateTemplateSettings(t: TemplateEntity): Promise<void> {
    await this.db.manager.update(
      TemplateEntity,
      { id: t.id },
      {
        updatedAt: t.updatedAt,
        name: t.name,
        displayName: t.displayName,
        description: t.description,
        icon: t.icon,
        defaultTtl: t.defaultTtl,
        maxTtl: t.maxTtl,
        activityBump: t.activityBump,
        timeTilAutostopNotify: t.timeTilAutostopNotify,
        restartRequirementDaysOfWeek: t.restartRequirementDaysOfWeek,
        restartRequirementWeeks: t.restartRequirementWeeks,
        autostartAllowedDays: t.autostartAllowedDays,
        allowUserAutostart: t.allowUserAutostart,
        allowUserAutostop: t.allowUserAutostop,
        allowUserCancelWorkspaceJobs: t.allowUserCancelWorkspaceJobs,
        failureTtl: t.failureTtl,
        inactivityTtl: t.inactivityTtl,
        lockedTtl: t.lockedTtl,
        requireActiveVersion: t.requireActiveVersion,
        deprecationMessage: t.deprecationMessage,
        maxPortShareLevel: t.maxPortShareLevel,
        corsBehavior: t.corsBehavior,
        useClassicParameterFlow: t.useClassicParameterFlow,
        agentsAllowed: t.agentsAllowed,
        disableModuleCache: t.disableModuleCache,
        groupAcl: t.groupAcl,
      },
    );
  }

  async setActiveVersion(id: string, versionId: string, updatedAt: Date): Promise<void> {
    await this.db.manager.update(TemplateEntity, { id }, { activeVersionId: versionId, updatedAt });
  }

  /** Replaces both ACLs (`/templates/{template}/acl`). */
  async updateTemplateAcl(id: string, userAcl: TemplateAcl, groupAcl: TemplateAcl): Promise<void> {
    await this.db.manager.update(TemplateEntity, { id }, { userAcl, groupAcl, updatedAt: new Date() });
  }

  async softDeleteTemplate(id: string): Promise<void> {
    await this.db.manager.update(TemplateEntity, { id }, { deleted: true, updatedAt: new Date() });
  }

  /** The delete rule's figure: a template keeps its live workspaces' rows valid. */
  async countLiveWorkspaces(templateId: string): Promise<number> {
    const rows: { n: number }[] = await this.db.manager.query(
      'SELECT count(*)::int AS n FROM workspaces WHERE template_id = $1 AND deleted = false',
      [templateId],
    );
    return rows[0]?.n ?? 0;
  }

  /** Distinct owners of each template's live workspaces, in one statement. */
  async activeUserCounts(templateIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (templateIds.length === 0) return out;
    const rows: { template_id: string; n: number }[] = await this.db.manager.query(
      `SELECT template_id, count(DISTINCT owner_id)::int AS n FROM workspaces
        WHERE template_id = ANY($1::uuid[]) AND deleted = false GROUP BY template_id`,
      [templateIds],
    );
    for (const r of rows) out.set(r.template_id, r.n);
    return out;
  }
}
