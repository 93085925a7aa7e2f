import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface GroupAllowance {
  group_id: string;
  group_name: string;
  organization_id: string;
  allowance: number;
}

/** Quota figures (coderd/database/queries/quotas.sql), each one statement. */
@Injectable()
export class WorkspaceQuotaRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The groups whose allowance adds up to a user's budget: the groups the user is in, and the
   * Everyone group of each organization the user belongs to. (Coder adds every organization's
   * Everyone group, members or not; that over-counts with several organizations.)
   */
  allowanceByGroup(userId: string, manager: EntityManager = this.db.manager): Promise<GroupAllowance[]> {
    return manager.query(
      `SELECT g.id AS group_id, g.name AS group_name, g.organization_id, g.quota_allowance AS allowance
         FROM groups g
        WHERE g.id IN (SELECT gm.group_id FROM group_members gm WHERE gm.user_id = $1)
           OR g.id IN (SELECT om.organization_id FROM organization_members om WHERE om.user_id = $1)
        ORDER BY (g.id = g.organization_id) DESC, g.name, g.id`,
      [userId],
    );
  }

  /** Sum of the daily cost of the latest build of each non-deleted workspace the user owns. */
  async consumed(userId: string, manager: EntityManager = this.db.manager): Promise<number> {
    const rows: { consumed: string | null }[] = await manager.query(
      `SELECT COALESCE(SUM(b.daily_cost), 0) AS consumed
         FROM workspaces w
         JOIN LATERAL (SELECT daily_cost FROM workspace_builds wb WHERE wb.workspace_id = w.id
                        ORDER BY wb.build_number DESC LIMIT 1) b ON true
        WHERE w.owner_id = $1 AND w.deleted = false`,
      [userId],
    );
    return Number(rows[0]?.consumed ?? 0);
  }

  /** The build a job belongs to, its owner and the previous build's cost (for the net-increase rule). */
  async buildForJob(
    manager: EntityManager,
    jobId: string,
  ): Promise<{ build_id: string; owner_id: string; previous_cost: number | null } | undefined> {
    const rows: { build_id: string; owner_id: string; previous_cost: number | null }[] = await manager.query(
      `SELECT b.id AS build_id, w.owner_id,
              (SELECT p.daily_cost FROM workspace_builds p WHERE p.workspace_id = b.workspace_id AND p.build_number = b.build_number - 1) AS previous_cost
         FROM workspace_builds b JOIN workspaces w ON w.id = b.workspace_id
        WHERE b.job_id = $1`,
      [jobId],
    );
    return rows[0];
  }

  async setBuildCost(manager: EntityManager, buildId: string, dailyCost: number): Promise<void> {
    await manager.query('UPDATE workspace_builds SET daily_cost = $2, updated_at = now() WHERE id = $1', [buildId, dailyCost]);
  }
}
