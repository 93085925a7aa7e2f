import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface WorkspaceStateCounts {
  pending: number;
  building: number;
  running: number;
  failed: number;
  stopped: number;
}

/**
 * The state of each live workspace's latest build (Coder's GetDeploymentWorkspaceStats): one
 * statement, the latest build found through the (workspace_id, build_number) index. Canceled
 * builds count in no bucket, as in Coder.
 */
const WORKSPACE_STATES_SQL = `
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
   WHERE w.deleted = false`;

@Injectable()
export class DeploymentStatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async countWorkspaceStates(): Promise<WorkspaceStateCounts> {
    const rows: WorkspaceStateCounts[] = await this.db.query(WORKSPACE_STATES_SQL);
    return rows[0];
  }
}
