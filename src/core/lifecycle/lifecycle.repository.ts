import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database.js';
import type { Transition } from '../workspaces/entities/workspace-build.entity.js';
import type { LifecycleCandidate } from '../workspaces/lifecycle-rules.js';

/** How many workspaces one candidate statement returns; a tick pages on by workspace id. */
export const CANDIDATES_PER_PAGE = 500;

/** A candidate with what the executor needs to build. */
export interface LifecycleRow extends LifecycleCandidate {
  templateId: string;
  latestVersionId: string;
  activeVersionId: string;
  useActiveVersion: boolean;
}

interface RawRow {
  workspace_id: string;
  template_id: string;
  autostart_schedule: string | null;
  transition: Transition;
  build_created_at: Date;
  deadline: Date | null;
  job_completed: boolean;
  job_failed: boolean;
  job_completed_at: Date | null;
  failure_ttl: string;
  owner_status: string;
  owner_updated_at: Date;
  allow_user_autostart: boolean;
  autostart_allowed_days: number;
  latest_version_id: string;
  active_version_id: string;
  use_active_version: boolean;
}

/**
 * Coder's GetWorkspacesEligibleForLifecycleAction, without its next_start_at column (we have
 * none): live workspaces whose latest build finished and is a `start` with a passed deadline, a
 * `stop` with an autostart schedule, an active owner and a template allowing autostart, or (when
 * $3, the failure TTL applies) a failed `start` older than its template's failure TTL. The cron
 * part of the autostart rule is judged in TypeScript (lifecycle-rules.ts).
 */
const CANDIDATES_SQL = `
  SELECT w.id AS workspace_id, w.template_id, w.autostart_schedule, b.transition, b.created_at AS build_created_at,
         b.deadline, j.completed_at IS NOT NULL AS job_completed, coalesce(j.error, '') <> '' AS job_failed,
         j.completed_at AS job_completed_at, CASE WHEN $3::boolean THEN t.failure_ttl ELSE 0 END AS failure_ttl,
         u.status AS owner_status, u.updated_at AS owner_updated_at, t.allow_user_autostart, t.autostart_allowed_days,
         b.template_version_id AS latest_version_id, t.active_version_id,
         (t.require_active_version OR w.automatic_updates = 'always') AS use_active_version
    FROM workspaces w
    JOIN LATERAL (SELECT * FROM workspace_builds lb WHERE lb.workspace_id = w.id
                   ORDER BY lb.build_number DESC LIMIT 1) b ON true
    JOIN provisioner_jobs j ON j.id = b.job_id
    JOIN users u ON u.id = w.owner_id
    JOIN templates t ON t.id = w.template_id
   WHERE NOT w.deleted
     AND j.completed_at IS NOT NULL
     AND ((coalesce(j.error, '') = ''
           AND ((b.transition = 'start' AND b.deadline IS NOT NULL AND b.deadline <= $1)
             OR (b.transition = 'stop' AND coalesce(w.autostart_schedule, '') <> '' AND u.status = 'active'
                 AND t.allow_user_autostart)))
       OR ($3::boolean AND b.transition = 'start' AND coalesce(j.error, '') <> '' AND t.failure_ttl > 0
           AND j.completed_at < $1 - make_interval(secs => t.failure_ttl / 1e9)))`;

function toCandidate(r: RawRow): LifecycleRow {
  return {
    workspaceId: r.workspace_id,
    templateId: r.template_id,
    autostartSchedule: r.autostart_schedule,
    transition: r.transition,
    buildCreatedAt: r.build_created_at,
    deadline: r.deadline,
    jobCompleted: r.job_completed,
    jobFailed: r.job_failed,
    jobCompletedAt: r.job_completed_at,
    failureTtlNs: Number(r.failure_ttl),
    ownerStatus: r.owner_status,
    ownerUpdatedAt: r.owner_updated_at,
    allowUserAutostart: r.allow_user_autostart,
    autostartAllowedDays: Number(r.autostart_allowed_days),
    latestVersionId: r.latest_version_id,
    activeVersionId: r.active_version_id,
    useActiveVersion: r.use_active_version,
  };
}

/** The executor's SQL: candidates in one bounded statement, and the per-workspace lock. */
@Injectable()
export class LifecycleRepository {
  constructor(private readonly db: Database) {}

  /**
   * One page of candidates at `tick`, ordered by workspace id, after `afterId` when given;
   * `failureTtl`: whether templates' failure TTLs apply.
   */
  async listCandidates(tick: Date, afterId: string | null, failureTtl: boolean): Promise<LifecycleRow[]> {
    const rows = await this.db.select<RawRow>(
      `${CANDIDATES_SQL} AND ($2::uuid IS NULL OR w.id > $2::uuid)
        ORDER BY w.id LIMIT ${CANDIDATES_PER_PAGE}`,
      [tick, afterId, failureTtl],
    );
    return rows.map(toCandidate);
  }

  /** The same row for one workspace, read fresh inside the caller's transaction (after its locks). */
  async getCandidate(workspaceId: string, tick: Date, failureTtl: boolean): Promise<LifecycleRow | undefined> {
    const rows = await this.db.select<RawRow>(`${CANDIDATES_SQL} AND w.id = $2::uuid`, [tick, workspaceId, failureTtl]);
    return rows.map(toCandidate)[0];
  }

  /**
   * Coder's `lifecycle-executor:<workspace id>` try-lock, held until the caller's transaction
   * ends: an executor on another replica (or a second tick) skips the workspace instead of waiting.
   */
  async tryLockWorkspace(workspaceId: string): Promise<boolean> {
    const rows = await this.db.select<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [
      `lifecycle-executor:${workspaceId}`,
    ]);
    return rows[0]?.locked === true;
  }
}
