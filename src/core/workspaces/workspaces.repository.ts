import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { Pagination } from '../../common/query.js';
import { WorkspaceEntity, type AutomaticUpdates } from './entities/workspace.entity.js';
import type { WorkspaceFilter } from './workspace-search.js';

/** Which workspaces a caller may list: all, or those of organizations it administers plus its own. */
export type WorkspaceVisibility = { all: true } | { all: false; actorId: string; adminOrgIds: string[]; memberOrgIds: string[] };

/** The status of a workspace's latest build, in SQL (`b` = build, `j` = its job), as the API derives it. */
const STATUS_SQL = `CASE
  WHEN j.completed_at IS NOT NULL THEN
    CASE WHEN coalesce(j.error, '') <> '' THEN 'failed'
         WHEN j.canceled_at IS NOT NULL THEN 'canceled'
         WHEN b.transition = 'start' THEN 'running' WHEN b.transition = 'stop' THEN 'stopped' ELSE 'deleted' END
  WHEN coalesce(j.error, '') <> '' THEN 'failed'
  WHEN j.canceled_at IS NOT NULL THEN 'canceling'
  WHEN j.started_at IS NULL THEN 'pending'
  WHEN b.transition = 'start' THEN 'starting' WHEN b.transition = 'stop' THEN 'stopping' ELSE 'deleting' END`;

@Injectable()
export class WorkspacesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  getWorkspaceById(id: string, manager: EntityManager = this.db.manager): Promise<WorkspaceEntity | null> {
    return manager.findOneBy(WorkspaceEntity, { id });
  }

  lockWorkspace(manager: EntityManager, id: string): Promise<WorkspaceEntity | null> {
    return manager.createQueryBuilder(WorkspaceEntity, 'w').setLock('pessimistic_write').where('w.id = :id', { id }).getOne();
  }

  /** The live workspace of an owner with that name (case-insensitive), or else, if asked, the latest deleted one. */
  async getWorkspaceByOwnerAndName(ownerId: string, name: string, includeDeleted = false): Promise<WorkspaceEntity | null> {
    const query = this.db.manager
      .createQueryBuilder(WorkspaceEntity, 'w')
      .where('w.owner_id = :ownerId AND lower(w.name) = lower(:name)', { ownerId, name });
    const live = await query.clone().andWhere('w.deleted = false').getOne();
    if (live || !includeDeleted) return live;
    return query.andWhere('w.deleted = true').orderBy('w.updated_at', 'DESC').getOne();
  }

  async setAutomaticUpdates(manager: EntityManager, id: string, value: AutomaticUpdates): Promise<void> {
    await manager.update(WorkspaceEntity, { id }, { automaticUpdates: value, updatedAt: new Date() });
  }

  async insertWorkspace(manager: EntityManager, workspace: WorkspaceEntity): Promise<WorkspaceEntity> {
    await manager.insert(WorkspaceEntity, workspace);
    return workspace;
  }

  /** A page of live workspaces matching the filter, and how many match in all: three statements whatever the page size. */
  async listWorkspaces(
    filter: WorkspaceFilter & { ownerId?: string },
    visibility: WorkspaceVisibility,
    page: Pagination,
  ): Promise<{ workspaces: WorkspaceEntity[]; count: number }> {
    const params: unknown[] = [];
    const arg = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = ['w.deleted = false'];
    if (!visibility.all) {
      const admin = `w.organization_id = ANY(${arg(visibility.adminOrgIds)}::uuid[])`;
      const own = `w.owner_id = ${arg(visibility.actorId)} AND w.organization_id = ANY(${arg(visibility.memberOrgIds)}::uuid[])`;
      where.push(`(${admin} OR (${own}))`);
    }
    if (filter.ownerId) where.push(`w.owner_id = ${arg(filter.ownerId)}`);
    else if (filter.owner) where.push(`lower(u.username) = lower(${arg(filter.owner)})`);
    if (filter.template) where.push(`lower(t.name) = lower(${arg(filter.template)})`);
    if (filter.name) where.push(`w.name ILIKE ${arg(`%${filter.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
    // This server runs no workspace agents and has no dormancy, so no workspace has an agent in
    // any state, none is dormant, and none is due for deletion (Coder's GetWorkspaces filters).
    if (filter.hasAgent !== undefined || filter.dormantAt !== undefined || filter.deletingBy !== undefined) where.push('false');
    if (filter.lastUsedAfter) where.push(`w.last_used_at >= ${arg(filter.lastUsedAfter)}`);
    if (filter.lastUsedBefore) where.push(`w.last_used_at <= ${arg(filter.lastUsedBefore)}`);
    const status = filter.status ? `WHERE s.status = ${arg(filter.status)}` : '';
    const matching = `
      SELECT s.id, s.last_used_at, s.name FROM (
        SELECT w.id, w.last_used_at, w.name, ${STATUS_SQL} AS status
          FROM workspaces w
          JOIN users u ON u.id = w.owner_id
          JOIN templates t ON t.id = w.template_id
          LEFT JOIN LATERAL (SELECT wb.transition, wb.job_id FROM workspace_builds wb WHERE wb.workspace_id = w.id
                              ORDER BY wb.build_number DESC LIMIT 1) b ON true
          LEFT JOIN provisioner_jobs j ON j.id = b.job_id
         WHERE ${where.join(' AND ')}) s ${status}`;
    const [{ count }] = await this.db.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM (${matching}) m`, params);
    const ids = (await this.db.query<{ id: string }[]>(
      `${matching} ORDER BY s.last_used_at DESC, lower(s.name) ASC, s.id ASC LIMIT ${arg(page.limit)} OFFSET ${arg(page.offset)}`,
      params,
    )).map((r) => r.id);
    if (ids.length === 0) return { workspaces: [], count };
    const rows = new Map((await this.db.manager.findBy(WorkspaceEntity, { id: In(ids) })).map((w) => [w.id, w]));
    return { workspaces: ids.flatMap((id) => rows.get(id) ?? []), count };
  }

  /** Whether the user is a member of the organization. */
  async isMember(organizationId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM organization_members WHERE organization_id = $1 AND user_id = $2', [
      organizationId,
      userId,
    ]);
    return rows.length > 0;
  }

  /** id, username and avatar of each user, in one statement. */
  async minimalUsers(ids: string[]): Promise<Map<string, { id: string; username: string; avatar_url: string }>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows: { id: string; username: string; avatar_url: string }[] = await this.db.query(
      'SELECT id, username, avatar_url FROM users WHERE id = ANY($1::uuid[])',
      [unique],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }
}
