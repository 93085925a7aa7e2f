import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Pagination } from '../../common/query.js';
import { WorkspaceBuildEntity } from './entities/workspace-build.entity.js';

@Injectable()
export class WorkspaceBuildsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  getBuildById(id: string): Promise<WorkspaceBuildEntity | null> {
    return this.db.manager.findOneBy(WorkspaceBuildEntity, { id });
  }

  /** The newest build of a workspace (inside a transaction that locked the workspace, when given). */
  getLatestBuild(workspaceId: string, manager: EntityManager = this.db.manager): Promise<WorkspaceBuildEntity | null> {
    return manager.findOne(WorkspaceBuildEntity, { where: { workspaceId }, order: { buildNumber: 'DESC' } });
  }

  /** The newest build of each workspace, in one statement. */
  getLatestBuilds(workspaceIds: string[]): Promise<WorkspaceBuildEntity[]> {
    if (workspaceIds.length === 0) return Promise.resolve([]);
    return this.db.manager
      .createQueryBuilder(WorkspaceBuildEntity, 'b')
      .distinctOn(['b.workspace_id'])
      .where('b.workspace_id IN (:...workspaceIds)', { workspaceIds })
      .orderBy('b.workspace_id')
      .addOrderBy('b.build_number', 'DESC')
      .getMany();
  }

  async insertBuild(manager: EntityManager, build: WorkspaceBuildEntity): Promise<WorkspaceBuildEntity> {
    await manager.insert(WorkspaceBuildEntity, build);
    return build;
  }

  /**
   * A page of a workspace's builds, newest first. As Coder, `after_id` keeps builds numbered above
   * that build; `since` keeps builds created at or after it. Undefined when `after_id` is unknown.
   */
  async listBuilds(workspaceId: string, page: Pagination, since?: Date): Promise<WorkspaceBuildEntity[] | undefined> {
    const query = this.db.manager
      .createQueryBuilder(WorkspaceBuildEntity, 'b')
      .where('b.workspace_id = :workspaceId', { workspaceId })
      .orderBy('b.build_number', 'DESC')
      .skip(page.offset)
      .take(page.limit);
    if (since) query.andWhere('b.created_at >= :since', { since });
    if (page.afterId) {
      const after = await this.db.manager.findOneBy(WorkspaceBuildEntity, { id: page.afterId, workspaceId });
      if (!after) return undefined;
      query.andWhere('b.build_number > :afterNumber', { afterNumber: after.buildNumber });
    }
    return query.getMany();
  }
}
