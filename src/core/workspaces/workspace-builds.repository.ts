import { Injectable } from '@nestjs/common';
import type { Pagination } from '../../common/query.js';
import { Database } from '../../database/database.js';
import { WorkspaceBuildEntity, type Transition } from './entities/workspace-build.entity.js';

/** What a daemon is told about the build it runs (docs/provisioner-protocol.md, `workspace_build`). */
export interface BuildOfJob {
  workspace_build_id: string;
  workspace_id: string;
  workspace_name: string;
  owner_id: string;
  owner_name: string;
  build_number: number;
  transition: Transition;
  template_id: string;
  template_name: string;
  template_version_id: string;
}

/** The build a job runs, its owner and the cost of the build before it (the quota's net-increase rule). */
export interface BuildCostContext {
  build_id: string;
  owner_id: string;
  previous_cost: number | null;
}

/** A build's workspace TTL and schedule, and its template's autostart days and TTL settings (nanoseconds). */
export interface AutostopInputs {
  ttl: number | null;
  autostart_schedule: string | null;
  autostart_allowed_days: number;
  allow_user_autostop: boolean;
  default_ttl: number;
  /** The template's autostop requirement: weekday bitmap (Monday = bit 0; 0 = none) and weeks. */
  autostop_requirement_days: number;
  autostop_requirement_weeks: number;
  /** The owner's stored quiet hours schedule ('' = the deployment default). */
  owner_quiet_hours_schedule: string;
}

/** A running build, with what its deadlines depend on. */
export interface RunningBuild extends AutostopInputs {
  build_id: string;
  deadline: Date | null;
  max_deadline: Date | null;
  completed_at: Date;
}

/** What the schedule routes of a workspace decide on: its latest build and job, its template's rules. */
export interface WorkspaceScheduleState {
  autostart_schedule: string | null;
  /** The workspace's TTL in nanoseconds (null = no automatic stop). */
  ttl: number | null;
  allow_user_autostart: boolean;
  allow_user_autostop: boolean;
  /** The template's maximum TTL in nanoseconds (0 = none). */
  max_ttl: number;
  build_id: string | null;
  transition: string | null;
  deadline: Date | null;
  max_deadline: Date | null;
  /** When the latest build's job completed (null while it runs). */
  completed_at: Date | null;
}

@Injectable()
export class WorkspaceBuildsRepository {
  constructor(private readonly db: Database) {}

  getBuildById(id: string): Promise<WorkspaceBuildEntity | null> {
    return this.db.manager.findOneBy(WorkspaceBuildEntity, { id });
  }

  /** The newest build of a workspace. */
  getLatestBuild(workspaceId: string): Promise<WorkspaceBuildEntity | null> {
    return this.db.manager.findOne(WorkspaceBuildEntity, { where: { workspaceId }, order: { buildNumber: 'DESC' } });
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

  async insertBuild(build: WorkspaceBuildEntity): Promise<WorkspaceBuildEntity> {
    await this.db.manager.insert(WorkspaceBuildEntity, build);
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

  /** The build a workspace-build job belongs to (its transition and workspace). */
  async getBuildOfJob(
    jobId: string,
  ): Promise<{ id: string; workspace_id: string; transition: Transition } | undefined> {
    const rows: { id: string; workspace_id: string; transition: Transition }[] = await this.db.manager.query(
      'SELECT id, workspace_id, transition FROM workspace_builds WHERE job_id = $1',
      [jobId],
    );
    return rows[0];
  }

  /** The build a job runs with its workspace, owner and template names, in one statement. */
  async describeBuildOfJob(jobId: string): Promise<BuildOfJob | undefined> {
    const rows: BuildOfJob[] = await this.db.manager.query(
      `SELECT b.id AS workspace_build_id, w.id AS workspace_id, w.name AS workspace_name, u.id AS owner_id,
              u.username AS owner_name, b.build_number, b.transition, t.id AS template_id, t.name AS template_name,
              b.template_version_id
         FROM workspace_builds b
         JOIN workspaces w ON w.id = b.workspace_id
         JOIN users u ON u.id = w.owner_id
         JOIN templates t ON t.id = w.template_id
        WHERE b.job_id = $1`,
      [jobId],
    );
    return rows[0];
  }

  /** The build a job runs, its owner and the previous build's cost. */
  async getBuildCostContext(jobId: string): Promise<BuildCostContext | undefined> {
    const rows: BuildCostContext[] = await this.db.manager.query(
      `SELECT b.id AS build_id, w.owner_id,
              (SELECT p.daily_cost FROM workspace_builds p WHERE p.workspace_id = b.workspace_id AND p.build_number = b.build_number - 1) AS previous_cost
         FROM workspace_builds b JOIN workspaces w ON w.id = b.workspace_id
        WHERE b.job_id = $1`,
      [jobId],
    );
    return rows[0];
  }

  async setDailyCost(buildId: string, dailyCost: number): Promise<void> {
    await this.db.manager.query('UPDATE workspace_builds SET daily_cost = $2, updated_at = now() WHERE id = $1', [
      buildId,
      dailyCost,
    ]);
  }

  /** What the autostop deadline of a build depends on: its workspace's TTL and schedule, its template's settings. */
  async getAutostopInputs(buildId: string): Promise<AutostopInputs | undefined> {
    return (await this.autostopInputs('b.id = $1', [buildId]))[0];
  }

  /**
   * The running builds of a template's workspaces (Coder's GetActiveWorkspaceBuildsByTemplateID,
   * kept to succeeded `start` builds, as its updateWorkspaceBuild does): each workspace's latest
   * build when it is a `start` whose job succeeded, with its deadlines and completion time.
   */
  runningBuildsOfTemplate(templateId: string): Promise<RunningBuild[]> {
    return this.autostopInputs(
      `w.template_id = $1 AND NOT w.deleted AND b.transition = 'start'
       AND j.completed_at IS NOT NULL AND j.canceled_at IS NULL AND coalesce(j.error, '') = ''
       AND b.build_number = (SELECT max(lb.build_number) FROM workspace_builds lb WHERE lb.workspace_id = w.id)`,
      [templateId],
    );
  }

  private async autostopInputs(where: string, params: unknown[]): Promise<(AutostopInputs & RunningBuild)[]> {
    type Row = Omit<AutostopInputs & RunningBuild, 'ttl' | 'default_ttl' | 'autostop_requirement_weeks'> & {
      ttl: string | null;
      default_ttl: string;
      autostop_requirement_weeks: string;
    };
    const rows: Row[] = await this.db.manager.query(
      `SELECT b.id AS build_id, b.deadline, b.max_deadline, j.completed_at,
              w.ttl, w.autostart_schedule, t.autostart_allowed_days, t.allow_user_autostop, t.default_ttl,
              t.restart_requirement_days_of_week AS autostop_requirement_days,
              t.restart_requirement_weeks AS autostop_requirement_weeks,
              u.quiet_hours_schedule AS owner_quiet_hours_schedule
         FROM workspace_builds b JOIN workspaces w ON w.id = b.workspace_id JOIN templates t ON t.id = w.template_id
         JOIN users u ON u.id = w.owner_id JOIN provisioner_jobs j ON j.id = b.job_id
        WHERE ${where}
        ORDER BY b.id`,
      params,
    );
    return rows.map((row) => ({
      ...row,
      ttl: row.ttl === null ? null : Number(row.ttl),
      default_ttl: Number(row.default_ttl),
      autostop_requirement_weeks: Number(row.autostop_requirement_weeks),
    }));
  }

  /**
   * The schedule state of a live workspace, its row locked until the transaction ends (the
   * schedule routes decide and write under it, one at a time per workspace); undefined once deleted.
   */
  async lockScheduleState(workspaceId: string): Promise<WorkspaceScheduleState | undefined> {
    type Row = Omit<WorkspaceScheduleState, 'max_ttl' | 'ttl'> & { max_ttl: string; ttl: string | null };
    const [row]: Row[] = await this.db.manager.query(
      `SELECT w.autostart_schedule, w.ttl, t.allow_user_autostart, t.allow_user_autostop, t.max_ttl,
              b.id AS build_id, b.transition, b.deadline, b.max_deadline, j.completed_at
         FROM workspaces w JOIN templates t ON t.id = w.template_id
         LEFT JOIN LATERAL (SELECT lb.id, lb.transition, lb.deadline, lb.max_deadline, lb.job_id
                              FROM workspace_builds lb WHERE lb.workspace_id = w.id
                             ORDER BY lb.build_number DESC LIMIT 1) b ON true
         LEFT JOIN provisioner_jobs j ON j.id = b.job_id
        WHERE w.id = $1 AND NOT w.deleted
          FOR UPDATE OF w`,
      [workspaceId],
    );
    return row && { ...row, ttl: row.ttl === null ? null : Number(row.ttl), max_ttl: Number(row.max_ttl) };
  }

  async setDeadline(buildId: string, deadline: Date | null, maxDeadline: Date | null): Promise<void> {
    await this.db.manager.query(
      'UPDATE workspace_builds SET deadline = $2, max_deadline = $3, updated_at = now() WHERE id = $1',
      [buildId, deadline, maxDeadline],
    );
  }

  /** Records the daily cost on the build a job runs (no-op for other jobs). */
  async setDailyCostOfJob(jobId: string, dailyCost: number): Promise<void> {
    await this.db.manager.query('UPDATE workspace_builds SET daily_cost = $2, updated_at = now() WHERE job_id = $1', [
      jobId,
      dailyCost,
    ]);
  }
}
