import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database.js';
import type { ProvisionerDaemonEntity } from './entities/provisioner-daemon.entity.js';
import {
  DAEMON_KNOWN_SECONDS,
  JOB_VIEWS_SQL,
  type JobRow,
  type JobViewFilter,
  type JobViewRow,
} from './job-views.query.js';
import { ProvisionerJobLogEntity, type LogLevel, type LogSource } from './entities/provisioner-job-log.entity.js';
import { ProvisionerJobEntity } from './entities/provisioner-job.entity.js';
import { WorkspaceResourceEntity } from './entities/workspace-resource.entity.js';

/** How long a daemon may go unseen and still count as connected. */
export const DAEMON_LIVENESS_SECONDS = 60;

export function fromRow(row: JobRow): ProvisionerJobEntity {
  return Object.assign(new ProvisionerJobEntity(), {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    canceledAt: row.canceled_at,
    completedAt: row.completed_at,
    error: row.error,
    errorCode: row.error_code,
    organizationId: row.organization_id,
    initiatorId: row.initiator_id,
    provisioner: row.provisioner,
    storageMethod: row.storage_method,
    type: row.type,
    input: row.input,
    workerId: row.worker_id,
    fileId: row.file_id,
    tags: row.tags,
    logsOverflowed: row.logs_overflowed,
  });
}

@Injectable()
export class JobsRepository {
  constructor(private readonly db: Database) {}

  async insertJob(job: ProvisionerJobEntity): Promise<ProvisionerJobEntity> {
    await this.db.manager.insert(ProvisionerJobEntity, job);
    return job;
  }

  getJob(id: string): Promise<ProvisionerJobEntity | null> {
    return this.db.manager.findOneBy(ProvisionerJobEntity, { id });
  }

  /**
   * Claims the oldest pending job this daemon may run, in one statement: the right provisioner, every
   * job tag present on the daemon, the daemon's organization (built-in daemons serve all).
   * SKIP LOCKED lets concurrent daemons each take a different job; a started job is never taken again.
   */
  async acquireJob(daemon: ProvisionerDaemonEntity): Promise<ProvisionerJobEntity | undefined> {
    const rows: JobRow[] = await this.db.manager.query(
      `UPDATE provisioner_jobs SET started_at = now(), updated_at = now(), worker_id = $1
        WHERE id = (
          SELECT id FROM provisioner_jobs
           WHERE started_at IS NULL AND canceled_at IS NULL
             AND provisioner = ANY($2::text[])
             AND tags <@ $3::jsonb
             AND ($4::uuid IS NULL OR organization_id = $4::uuid)
           ORDER BY created_at, id
           FOR UPDATE SKIP LOCKED
           LIMIT 1)
      RETURNING *`,
      [daemon.id, daemon.provisioners, JSON.stringify(daemon.tags), daemon.organizationId],
    );
    const row = (Array.isArray(rows[0]) ? (rows[0] as JobRow[])[0] : rows[0]) as JobRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  async touchJob(id: string): Promise<void> {
    await this.db.manager.query('UPDATE provisioner_jobs SET updated_at = now() WHERE id = $1', [id]);
  }

  async touchRunningJobsOf(daemonId: string): Promise<void> {
    await this.db.manager.query(
      'UPDATE provisioner_jobs SET updated_at = now() WHERE worker_id = $1 AND started_at IS NOT NULL AND completed_at IS NULL',
      [daemonId],
    );
  }

  /**
   * Completes (or, with `error`, fails) a job still running; false when it already completed. The
   * guard is re-checked under the row lock, so a job failed meanwhile (hang detector, disconnect)
   * is never turned into a success.
   */
  /** `at`: the completion time, when the caller derived something from it (a build's deadline); default now(). */
  async completeJob(id: string, error?: { message: string; code?: string }, at?: Date): Promise<boolean> {
    const rows: [{ id: string }[], number] | { id: string }[] = await this.db.manager.query(
      `UPDATE provisioner_jobs SET completed_at = coalesce($4, now()), updated_at = now(), error = $2, error_code = $3
        WHERE id = $1 AND completed_at IS NULL RETURNING id`,
      [id, error?.message ?? null, error?.code ?? null, at ?? null],
    );
    return (Array.isArray(rows[0]) ? (rows[0] as { id: string }[]) : (rows as { id: string }[])).length > 0;
  }

  /** Fails the unfinished jobs of a daemon (it disconnected); returns their ids. */
  async failRunningJobsOf(daemonId: string, message: string): Promise<string[]> {
    const rows: [{ id: string }[], number] | { id: string }[] = await this.db.manager.query(
      `UPDATE provisioner_jobs SET completed_at = now(), updated_at = now(), error = $2, error_code = 'DAEMON_DISCONNECTED'
        WHERE worker_id = $1 AND started_at IS NOT NULL AND completed_at IS NULL RETURNING id`,
      [daemonId, message],
    );
    const list = Array.isArray(rows[0]) ? (rows[0] as { id: string }[]) : (rows as { id: string }[]);
    return list.map((r) => r.id);
  }

  async insertLogs(
    jobId: string,
    source: LogSource,
    logs: { level: LogLevel; stage?: string; output: string }[],
  ): Promise<void> {
    if (logs.length === 0) return;
    const now = new Date();
    await this.db.manager.insert(
      ProvisionerJobLogEntity,
      logs.map((l) => ({ jobId, createdAt: now, source, level: l.level, stage: l.stage ?? '', output: l.output })),
    );
  }

  listLogs(jobId: string, afterId = '0', limit = 10_000): Promise<ProvisionerJobLogEntity[]> {
    return this.db.manager
      .createQueryBuilder(ProvisionerJobLogEntity, 'l')
      .where('l.job_id = :jobId AND l.id > :afterId', { jobId, afterId })
      .orderBy('l.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  async insertResources(resources: WorkspaceResourceEntity[]): Promise<void> {
    if (resources.length > 0) await this.db.manager.insert(WorkspaceResourceEntity, resources);
  }

  listResourcesOfJobs(jobIds: string[]): Promise<WorkspaceResourceEntity[]> {
    if (jobIds.length === 0) return Promise.resolve([]);
    return this.db.manager
      .createQueryBuilder(WorkspaceResourceEntity, 'r')
      .where('r.job_id IN (:...jobIds)', { jobIds })
      .orderBy('r.created_at', 'ASC')
      .addOrderBy('r.name', 'ASC')
      .getMany();
  }

  /** Jobs with their API view data (queue place, daemons able to take them, owners), in one statement. */
  jobViews(filter: JobViewFilter): Promise<JobViewRow[]> {
    return this.db.manager.query(JOB_VIEWS_SQL, [
      filter.ids ?? null,
      filter.organizationId ?? null,
      filter.statuses ?? null,
      filter.tags ? JSON.stringify(filter.tags) : null,
      filter.initiatorId ?? null,
      filter.viewerId ?? null,
      filter.limit ?? null,
      DAEMON_LIVENESS_SECONDS,
      DAEMON_KNOWN_SECONDS,
    ]);
  }

  /**
   * Coder's cancel: `canceled_at` now, and `completed_at` too when no daemon has taken the job yet
   * (a running job completes when its daemon finishes). One guarded statement, so two cancels race
   * safely. Answers what happened: `canceled`, or why not (`completed`, `already_canceled`, `missing`).
   */
  async cancelJob(jobId: string): Promise<'canceled' | 'completed' | 'already_canceled' | 'missing'> {
    const rows: [{ id: string }[], number] | { id: string }[] = await this.db.manager.query(
      `UPDATE provisioner_jobs SET canceled_at = now(), updated_at = now(),
              completed_at = CASE WHEN worker_id IS NULL THEN now() ELSE completed_at END
        WHERE id = $1 AND completed_at IS NULL AND canceled_at IS NULL RETURNING id`,
      [jobId],
    );
    const updated = Array.isArray(rows[0]) ? (rows[0] as { id: string }[]) : (rows as { id: string }[]);
    if (updated.length > 0) return 'canceled';
    const current: { completed_at: Date | null; canceled_at: Date | null }[] = await this.db.manager.query(
      'SELECT completed_at, canceled_at FROM provisioner_jobs WHERE id = $1',
      [jobId],
    );
    if (!current[0]) return 'missing';
    // Coder checks completion first: a job canceled before pickup is also "already completed".
    return current[0].completed_at ? 'completed' : 'already_canceled';
  }
}
