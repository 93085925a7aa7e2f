import { Injectable } from '@nestjs/common';
import { everyoneGroupSql } from '../../core/groups/everyone-group.js';
import type { GroupAllowance } from '../../core/groups/groups.repository.js';
import { Database } from '../../database/database.js';

/** Serializes quota decisions per user and organization across requests and replicas (advisory transaction lock). */
const QUOTA_LOCK_NAMESPACE = 7_245_002;

/**
 * The quota's statements (groups.repository.ts's listAllowancesOfUser and workspaces.repository.ts's
 * sumDailyCostOfLiveWorkspaces are the same figures over all organizations). Budgets are per user AND organization, as Coder's quotas.sql
 * (GetQuotaAllowanceForUser / GetQuotaConsumedForUser): the groups of one organization (its
 * Everyone group when the user is a member) and the user's workspaces in that organization.
 */
@Injectable()
export class WorkspaceQuotaRepository {
  constructor(private readonly db: Database) {}

  /** Holds the user's quota in one organization until the transaction ends: concurrent builds decide one at a time. */
  async lockQuota(userId: string, organizationId: string): Promise<void> {
    await this.db.manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      QUOTA_LOCK_NAMESPACE,
      `${userId}/${organizationId}`,
    ]);
  }

  /**
   * The user's groups of the organization with their allowances, Everyone first; none for a user who
   * is not a member (leaving an organization keeps group rows here; Coder's database drops them).
   */
  listAllowances(userId: string, organizationId: string): Promise<GroupAllowance[]> {
    return this.db.manager.query(
      `SELECT g.id AS group_id, g.name AS group_name, g.organization_id, g.quota_allowance AS allowance
         FROM groups g
        WHERE g.organization_id = $2
          AND EXISTS (SELECT 1 FROM organization_members om WHERE om.user_id = $1 AND om.organization_id = $2)
          AND (${everyoneGroupSql('g')}
               OR g.id IN (SELECT gm.group_id FROM group_members gm WHERE gm.user_id = $1))
        ORDER BY ${everyoneGroupSql('g')} DESC, g.name, g.id`,
      [userId, organizationId],
    );
  }

  /** Summed daily cost of the latest build of each of the user's live workspaces in the organization. */
  async creditsConsumed(ownerId: string, organizationId: string): Promise<number> {
    const rows: { consumed: string | null }[] = await this.db.manager.query(
      `SELECT COALESCE(SUM(b.daily_cost), 0) AS consumed
         FROM workspaces w
         JOIN LATERAL (SELECT daily_cost FROM workspace_builds wb WHERE wb.workspace_id = w.id
                        ORDER BY wb.build_number DESC LIMIT 1) b ON true
        WHERE w.owner_id = $1 AND w.organization_id = $2 AND w.deleted = false`,
      [ownerId, organizationId],
    );
    return Number(rows[0]?.consumed ?? 0);
  }

  /** The organization of the workspace a build belongs to: the budget a build is held to. */
  async organizationOfBuild(buildId: string): Promise<string | undefined> {
    const rows: { organization_id: string }[] = await this.db.manager.query(
      `SELECT w.organization_id FROM workspace_builds b JOIN workspaces w ON w.id = b.workspace_id WHERE b.id = $1`,
      [buildId],
    );
    return rows[0]?.organization_id;
  }
}
