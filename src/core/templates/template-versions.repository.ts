import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Pagination } from '../../common/query.js';
import { TemplateVersionEntity } from './entities/template-version.entity.js';

export type CancelOutcome = 'canceled' | 'completed' | 'already_canceled' | 'missing';

/** Template versions, and the cancel of their import jobs. */
@Injectable()
export class TemplateVersionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  getVersionById(id: string, manager: EntityManager = this.db.manager): Promise<TemplateVersionEntity | null> {
    return manager.findOneBy(TemplateVersionEntity, { id });
  }

  getVersionsByIds(ids: string[]): Promise<TemplateVersionEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.manager.createQueryBuilder(TemplateVersionEntity, 'v').where('v.id IN (:...ids)', { ids: [...new Set(ids)] }).getMany();
  }

  getVersionByTemplateAndName(manager: EntityManager, templateId: string, name: string): Promise<TemplateVersionEntity | null> {
    return manager.findOneBy(TemplateVersionEntity, { templateId, name });
  }

  async insertVersion(manager: EntityManager, version: TemplateVersionEntity): Promise<TemplateVersionEntity> {
    await manager.insert(TemplateVersionEntity, version);
    return version;
  }

  async renameVersion(manager: EntityManager, id: string, name: string, message: string): Promise<TemplateVersionEntity> {
    await manager.update(TemplateVersionEntity, { id }, { name, message, updatedAt: new Date() });
    return manager.findOneByOrFail(TemplateVersionEntity, { id });
  }

  /** Attaches an unattached version to a template; false if it already belongs to one. */
  async attachVersion(manager: EntityManager, versionId: string, templateId: string): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(TemplateVersionEntity)
      .set({ templateId, updatedAt: new Date() })
      .where('id = :versionId AND template_id IS NULL', { versionId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** A page of a template's versions, oldest first (Coder's order). */
  async listVersionsOfTemplate(templateId: string, page: Pagination): Promise<TemplateVersionEntity[] | undefined> {
    const query = this.db.manager
      .createQueryBuilder(TemplateVersionEntity, 'v')
      .where('v.template_id = :templateId', { templateId })
      .orderBy('v.created_at', 'ASC')
      .addOrderBy('v.id', 'ASC')
      .skip(page.offset)
      .take(page.limit);
    if (page.afterId) {
      const after = await this.db.manager.findOneBy(TemplateVersionEntity, { id: page.afterId, templateId });
      if (!after) return undefined;
      query.andWhere('(v.created_at, v.id) > (:createdAt, :id)', { createdAt: after.createdAt, id: after.id });
    }
    return query.getMany();
  }

  /**
   * Coder's cancel: `canceled_at` now, and `completed_at` too when no daemon has taken the job yet
   * (a running job completes when its daemon finishes). One guarded statement, so two cancels race safely.
   */
  async cancelJob(jobId: string): Promise<CancelOutcome> {
    const rows: [{ id: string }[], number] | { id: string }[] = await this.db.query(
      `UPDATE provisioner_jobs SET canceled_at = now(), updated_at = now(),
              completed_at = CASE WHEN worker_id IS NULL THEN now() ELSE completed_at END
        WHERE id = $1 AND completed_at IS NULL AND canceled_at IS NULL RETURNING id`,
      [jobId],
    );
    const updated = Array.isArray(rows[0]) ? (rows[0] as { id: string }[]) : (rows as { id: string }[]);
    if (updated.length > 0) return 'canceled';
    const current: { completed_at: Date | null; canceled_at: Date | null }[] = await this.db.query(
      'SELECT completed_at, canceled_at FROM provisioner_jobs WHERE id = $1',
      [jobId],
    );
    if (!current[0]) return 'missing';
    // Coder checks completion first: a job canceled before pickup is also "already completed".
    return current[0].completed_at ? 'completed' : 'already_canceled';
  }
}
