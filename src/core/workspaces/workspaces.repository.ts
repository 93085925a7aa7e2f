import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { Pagination } from '../../common/query.js';
import { Database } from '../../database/database.js';
import { WorkspaceEntity, type AutomaticUpdates } from './entities/workspace.entity.js';
import type { WorkspaceFilter } from './workspace-search.js';

/** Which workspaces a caller may list: all, or those of organizations it administers plus its own. */
export type WorkspaceVisibility =
  { all: true } | { all: false; actorId: string; adminOrgIds: string[]; memberOrgIds: string[] };

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

/**
 * A workspace's (`w`) current build parameters as `cur(name, value)`, lower-cased: for each name,
 * the value sent with its latest build that sent one (Coder carries values over to each new
 * build's workspace_build_parameters; here each build's job input keeps the values sent with it).
 */
const CURRENT_PARAMS = `SELECT 1 FROM (
  SELECT DISTINCT ON (lower(p.value->>'name')) lower(p.value->>'name') AS name, lower(p.value->>'value') AS value
    FROM workspace_builds pb JOIN provisioner_jobs pj ON pj.id = pb.job_id
    CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(pj.input->'rich_parameter_values') = 'array'
                                                THEN pj.input->'rich_parameter_values' ELSE '[]'::jsonb END) p
   WHERE pb.workspace_id = w.id AND jsonb_typeof(p.value) = 'object'
   ORDER BY lower(p.value->>'name'), pb.build_number DESC) cur`;

@Injectable()
export class WorkspacesRepository {
  constructor(private readonly db: Database) {}

  getWorkspaceById(id: string): Promise<WorkspaceEntity | null> {
    return this.db.manager.findOneBy(WorkspaceEntity, { id });
  }

  /** The workspace, locked until the transaction ends (serialises its builds). */
  lockWorkspace(id: string): Promise<WorkspaceEntity | null> {
    return this.db.manager
      .createQueryBuilder(WorkspaceEntity, 'w')
      .setLock('pessimistic_write')
      .where('w.id = :id', { id })
      .getOne();
  }

  /** The live workspace of an owner with that name (case-insensitive), or else, if asked, the latest deleted one. */
  async getWorkspaceByOwnerAndName(
    ownerId: string,
    name: string,
    includeDeleted = false,
  ): Promise<WorkspaceEntity | null> {
    const query = this.db.manager
      .createQueryBuilder(WorkspaceEntity, 'w')
      .where('w.owner_id = :ownerId AND lower(w.name) = lower(:name)', { ownerId, name });
    const live = await query.clone().andWhere('w.deleted = false').getOne();
    if (live || !includeDeleted) return live;
    return query.andWhere('w.deleted = true').orderBy('w.updated_at', 'DESC').getOne();
  }

  async setAutomaticUpdates(id: string, value: AutomaticUpdates): Promise<void> {
    await this.db.manager.update(WorkspaceEntity, { id }, { automaticUpdates: value, updatedAt: new Date() });
  }

  /** `PUT /workspaces/{workspace}/autostart` (null = off). */
  async setAutostartSchedule(id: string, schedule: string | null): Promise<void> {
    await this.db.manager.update(WorkspaceEntity, { id }, { autostartSchedule: schedule, updatedAt: new Date() });
  }

  /** `PUT /workspaces/{workspace}/ttl`: nanoseconds, null = no automatic stop. */
  async setTtl(id: string, ttl: number | null): Promise<void> {
    await this.db.manager.update(WorkspaceEntity, { id }, { ttl, updatedAt: new Date() });
  }

  async setFavorite(id: string, favorite: boolean): Promise<void> {
    await this.db.manager.update(WorkspaceEntity, { id }, { favorite });
  }

  async insertWorkspace(workspace: WorkspaceEntity): Promise<WorkspaceEntity> {
    await this.db.manager.insert(WorkspaceEntity, workspace);
    return workspace;
  }

  /**
   * A delete build succeeded: the workspace is gone (its row stays, for audit and `include_deleted`).
   * Any build job of it still pending is canceled in the same statement, so a deleted workspace
   * never leaves a job in the queue (builds are serialised, so this is a safety net).
   */
  async markWorkspaceDeleted(id: string): Promise<void> {
    await this.db.manager.query(
      `WITH canceled AS (
         UPDATE provisioner_jobs j SET canceled_at = now(), completed_at = now(), updated_at = now()
           FROM workspace_builds b
          WHERE b.workspace_id = $1 AND j.id = b.job_id AND j.started_at IS NULL AND j.completed_at IS NULL
       )
       UPDATE workspaces SET deleted = true, updated_at = now() WHERE id = $1`,
      [id],
    );
  }

  /** Sum of the daily cost of the latest build of each live workspace the user owns (the quota consumed). */
  async sumDailyCostOfLiveWorkspaces(ownerId: string): Promise<number> {
    const rows: { consumed: string | null }[] = await this.db.manager.query(
      `SELECT COALESCE(SUM(b.daily_cost), 0) AS consumed
         FROM workspaces w
         JOIN LATERAL (SELECT daily_cost FROM workspace_builds wb WHERE wb.workspace_id = w.id
                        ORDER BY wb.build_number DESC LIMIT 1) b ON true
        WHERE w.owner_id = $1 AND w.deleted = false`,
      [ownerId],
    );
    return Number(rows[0]?.consumed ?? 0);
  }

  /** A page of live workspaces matching the filter, and how many match in all: three statements whatever the page size. */
  async listWorkspaces(
    filter: WorkspaceFilter & { ownerId?: string; organizationId?: string },
    visibility: WorkspaceVisibility,
    page: Pagination,
    requesterId: string,
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
    if (
      filter.hasAgent !== undefined ||
      filter.dormantAt !== undefined ||
      filter.deletingBy !== undefined ||
      filter.matchesNone
    )
      where.push('false');
    if (filter.ids) where.push(`w.id = ANY(${arg(filter.ids)}::uuid[])`);
    if (filter.organizationId) where.push(`w.organization_id = ${arg(filter.organizationId)}::uuid`);
    if (filter.outdated !== undefined)
      where.push(`(b.template_version_id = t.active_version_id) = ${arg(!filter.outdated)}::boolean`);
    if (filter.hasParams)
      where.push(`EXISTS (${CURRENT_PARAMS} WHERE cur.name ILIKE ANY(${arg(filter.hasParams)}::text[]))`);
    if (filter.paramValues) {
      const names = arg(filter.paramValues.map((p) => p.name));
      const values = arg(filter.paramValues.map((p) => p.value));
      where.push(
        `EXISTS (${CURRENT_PARAMS} WHERE (cur.name, cur.value) IN
           (SELECT lower(n), lower(v) FROM unnest(${names}::text[], ${values}::text[]) AS x(n, v)))`,
      );
    }
    if (filter.lastUsedAfter) where.push(`w.last_used_at >= ${arg(filter.lastUsedAfter)}`);
    if (filter.lastUsedBefore) where.push(`w.last_used_at <= ${arg(filter.lastUsedBefore)}`);
    const status = filter.status ? `WHERE s.status = ${arg(filter.status)}` : '';
    const matching = `
      SELECT s.id, s.favorite, s.last_used_at, s.name FROM (
        SELECT w.id, w.favorite AND w.owner_id = ${arg(requesterId)} AS favorite, w.last_used_at, w.name, ${STATUS_SQL} AS status
          FROM workspaces w
          JOIN users u ON u.id = w.owner_id
          JOIN templates t ON t.id = w.template_id
          LEFT JOIN LATERAL (SELECT wb.transition, wb.job_id, wb.template_version_id FROM workspace_builds wb
                              WHERE wb.workspace_id = w.id ORDER BY wb.build_number DESC LIMIT 1) b ON true
          LEFT JOIN provisioner_jobs j ON j.id = b.job_id
         WHERE ${where.join(' AND ')}) s ${status}`;
    const [{ count }] = await this.db.manager.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM (${matching}) m`,
      params,
    );
    const ids = (
      await this.db.manager.query<{ id: string }[]>(
        `${matching} ORDER BY s.favorite DESC, s.last_used_at DESC, lower(s.name) ASC, s.id ASC LIMIT ${arg(page.limit)} OFFSET ${arg(page.offset)}`,
        params,
      )
    ).map((r) => r.id);
    if (ids.length === 0) return { workspaces: [], count };
    const rows = new Map((await this.db.manager.findBy(WorkspaceEntity, { id: In(ids) })).map((w) => [w.id, w]));
    return { workspaces: ids.flatMap((id) => rows.get(id) ?? []), count };
  }

  /**
   * `GET /deployment/stats` (src/core/deployment): the state of each live workspace's latest build
   * (Coder's GetDeploymentWorkspaceStats), in one statement, the latest build found through the
   * (workspace_id, build_number) index. Canceled builds count in no bucket, as in Coder.
   */
  async countWorkspacesByLatestBuildState(): Promise<WorkspaceStateCounts> {
    const [counts] = await this.db.manager.query<WorkspaceStateCounts[]>(`
      SELECT count(*) FILTER (WHERE j.started_at IS NULL AND j.completed_at IS NULL AND j.canceled_at IS NULL AND NOT failed)::int AS pending,
             count(*) FILTER (WHERE j.started_at IS NOT NULL AND j.completed_at IS NULL AND j.canceled_at IS NULL AND NOT failed)::int AS building,
             count(*) FILTER (WHERE j.completed_at IS NOT NULL AND j.canceled_at IS NULL AND NOT failed AND b.transition = 'start')::int AS running,
             count(*) FILTER (WHERE failed)::int AS failed,
             count(*) FILTER (WHERE j.completed_at IS NOT NULL AND j.canceled_at IS NULL AND NOT failed AND b.transition = 'stop')::int AS stopped
        FROM workspaces w
        JOIN LATERAL (SELECT wb.transition, wb.job_id FROM workspace_builds wb WHERE wb.workspace_id = w.id
                       ORDER BY wb.build_number DESC LIMIT 1) b ON true
        JOIN provisioner_jobs j ON j.id = b.job_id
        CROSS JOIN LATERAL (SELECT coalesce(j.error, '') <> '' AS failed) f
       WHERE w.deleted = false`);
    return counts;
  }

  /**
   * The live workspaces of an owner whose latest build is a `start`, with the workspace status that
   * build gives (`running`, `pending`, `starting`, `failed`, ...): what a suspension stops or cancels.
   */
  async listStartedWorkspacesOfOwner(ownerId: string): Promise<StartedWorkspace[]> {
    return this.db.manager.query<StartedWorkspace[]>(
      `SELECT w.id AS workspace_id, b.job_id, ${STATUS_SQL} AS status
         FROM workspaces w
         JOIN LATERAL (SELECT wb.transition, wb.job_id FROM workspace_builds wb WHERE wb.workspace_id = w.id
                        ORDER BY wb.build_number DESC LIMIT 1) b ON true
         JOIN provisioner_jobs j ON j.id = b.job_id
        WHERE w.owner_id = $1 AND w.deleted = false AND b.transition = 'start'
        ORDER BY w.created_at, w.id`,
      [ownerId],
    );
  }
}

/** A workspace whose latest build is a `start`: listStartedWorkspacesOfOwner. */
export interface StartedWorkspace {
  workspace_id: string;
  job_id: string;
  status: string;
}

/** Live workspaces by the state of their latest build. */
export interface WorkspaceStateCounts {
  pending: number;
  building: number;
  running: number;
  failed: number;
  stopped: number;
}
