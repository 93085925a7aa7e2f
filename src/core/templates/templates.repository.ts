import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { TemplateEntity } from './entities/template.entity.js';

export interface MinimalUser {
  id: string;
  username: string;
  avatar_url: string;
}

/** Templates: lookups, the insert and soft delete, and the figures their JSON shows. */
@Injectable()
export class TemplatesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  getTemplateById(id: string, manager: EntityManager = this.db.manager): Promise<TemplateEntity | null> {
    return manager.findOneBy(TemplateEntity, { id });
  }

  getTemplatesByIds(ids: string[]): Promise<TemplateEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.manager.createQueryBuilder(TemplateEntity, 't').where('t.id IN (:...ids)', { ids: [...new Set(ids)] }).getMany();
  }

  /** The row locked for the rest of the transaction: `update` serialises deletes, `share` lets builds run together. */
  lockTemplate(manager: EntityManager, id: string, mode: 'update' | 'share'): Promise<TemplateEntity | null> {
    return manager
      .createQueryBuilder(TemplateEntity, 't')
      .setLock(mode === 'update' ? 'pessimistic_write' : 'pessimistic_read')
      .where('t.id = :id', { id })
      .getOne();
  }

  /** A live template by name, case-insensitively (Coder's `LOWER(name)` lookup). */
  getTemplateByOrgAndName(organizationId: string, name: string, manager: EntityManager = this.db.manager): Promise<TemplateEntity | null> {
    return manager
      .createQueryBuilder(TemplateEntity, 't')
      .where('t.organization_id = :organizationId AND t.deleted = false AND lower(t.name) = lower(:name)', { organizationId, name })
      .getOne();
  }

  listTemplatesOfOrg(organizationId: string): Promise<TemplateEntity[]> {
    return this.db.manager
      .createQueryBuilder(TemplateEntity, 't')
      .where('t.organization_id = :organizationId AND t.deleted = false', { organizationId })
      .orderBy('lower(t.name)', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .getMany();
  }

  async insertTemplate(manager: EntityManager, template: TemplateEntity): Promise<TemplateEntity> {
    await manager.insert(TemplateEntity, template);
    return template;
  }

  /** Writes every setting a `PATCH /templates/{template}` may change (and `updated_at`). */
  async updateTemplateSettings(manager: EntityManager, t: TemplateEntity): Promise<void> {
    await manager.update(
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

  async setActiveVersion(manager: EntityManager, id: string, versionId: string, updatedAt: Date): Promise<void> {
    await manager.update(TemplateEntity, { id }, { activeVersionId: versionId, updatedAt });
  }

  async softDeleteTemplate(manager: EntityManager, id: string): Promise<void> {
    await manager.update(TemplateEntity, { id }, { deleted: true, updatedAt: new Date() });
  }

  async countLiveWorkspaces(manager: EntityManager, templateId: string): Promise<number> {
    const rows: { n: number }[] = await manager.query(
      'SELECT count(*)::int AS n FROM workspaces WHERE template_id = $1 AND deleted = false',
      [templateId],
    );
    return rows[0]?.n ?? 0;
  }

  /** Distinct owners of each template's live workspaces, in one statement. */
  async activeUserCounts(templateIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (templateIds.length === 0) return out;
    const rows: { template_id: string; n: number }[] = await this.db.query(
      `SELECT template_id, count(DISTINCT owner_id)::int AS n FROM workspaces
        WHERE template_id = ANY($1::uuid[]) AND deleted = false GROUP BY template_id`,
      [templateIds],
    );
    for (const r of rows) out.set(r.template_id, r.n);
    return out;
  }

  /** id, username and avatar of each user (deleted ones included: they still created things). */
  async minimalUsers(ids: string[]): Promise<Map<string, MinimalUser>> {
    const out = new Map<string, MinimalUser>();
    const unique = [...new Set(ids)];
    if (unique.length === 0) return out;
    const rows: MinimalUser[] = await this.db.query('SELECT id, username, avatar_url FROM users WHERE id = ANY($1::uuid[])', [unique]);
    for (const r of rows) out.set(r.id, r);
    return out;
  }
}
