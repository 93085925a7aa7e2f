import { Injectable } from '@nestjs/common';
import type { Pagination } from '../../common/query.js';
import { Database } from '../../database/database.js';
import { TemplateVersionEntity } from './entities/template-version.entity.js';

/** The owner of `template_versions`. */
@Injectable()
export class TemplateVersionsRepository {
  constructor(private readonly db: Database) {}

  getVersionById(id: string): Promise<TemplateVersionEntity | null> {
    return this.db.manager.findOneBy(TemplateVersionEntity, { id });
  }

  getVersionsByIds(ids: string[]): Promise<TemplateVersionEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.manager
      .createQueryBuilder(TemplateVersionEntity, 'v')
      .where('v.id IN (:...ids)', { ids: [...new Set(ids)] })
      .getMany();
  }

  getVersionByTemplateAndName(templateId: string, name: string): Promise<TemplateVersionEntity | null> {
    return this.db.manager.findOneBy(TemplateVersionEntity, { templateId, name });
  }

  async insertVersion(version: TemplateVersionEntity): Promise<TemplateVersionEntity> {
    await this.db.manager.insert(TemplateVersionEntity, version);
    return version;
  }

  async renameVersion(id: string, name: string, message: string): Promise<TemplateVersionEntity> {
    await this.db.manager.update(TemplateVersionEntity, { id }, { name, message, updatedAt: new Date() });
    return this.db.manager.findOneByOrFail(TemplateVersionEntity, { id });
  }

  /** Attaches an unattached version to a template; false if it already belongs to one. */
  async attachVersion(versionId: string, templateId: string): Promise<boolean> {
    const result = await this.db.manager
      .createQueryBuilder()
      .update(TemplateVersionEntity)
      .set({ templateId, updatedAt: new Date() })
      .where('id = :versionId AND template_id IS NULL', { versionId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** A page of a template's versions, oldest first (Coder's order); undefined when `after_id` names none of them. */
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
}
