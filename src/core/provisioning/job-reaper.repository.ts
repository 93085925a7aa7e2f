import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database.js';
import type { JobStatus } from './dto/job.dto.js';

/** What one reaping pass writes: the job error and the log line, per kind of job. */
export interface ReaperTexts {
  pendingError: string;
  pendingLog: string;
  hungError: string;
  hungLog: string;
}

export interface ReapedJob {
  id: string;
  kind: 'pending' | 'hung';
}

/** Why a cancel did not happen: Coder's checks, in its order. */
export type CancelOutcome = 'canceled' | 'missing' | 'completed' | 'already_canceled' | 'unexpected_status';

/** At most this many jobs per pass (Coder reaps 10 a minute; a backlog still drains in a few passes). */
const MAX_JOBS_PER_PASS = 100;

/** TypeORM answers an UPDATE … RETURNING with `[rows, count]`, a SELECT with the rows. */
type Rows<T> = T[] | [T[], number];
const rowsOf = <T>(result: Rows<T>): T[] => (Array.isArray(result[0]) ? result[0] : (result as T[]));

/**
 * Job SQL for Coder's job reaper (pending and hung jobs), the workspace build cancel (row locked
 * in the caller's transaction), and the cleanup of pending jobs whose template was deleted.
 */
@Injectable()
export class JobReaperRepository {
  constructor(private readonly db: Database) {}

  /**
   * Fails every job pending longer than `pendingMs` (never acquired) or running without an update
   * for `hungMs`, writing Coder's five log lines, in one statement. The candidates are locked with
   * SKIP LOCKED and re-checked by PostgreSQL under the lock, so replicas sweeping together, a daemon
   * acquiring a job, or one completing it never race a reaped job into a second outcome. A reaped
   * pending job gets `started_at` too, as in Coder, so it can no longer be acquired.
   */
  async reapJobs(pendingMs: number, hungMs: number, texts: ReaperTexts): Promise<ReapedJob[]> {
    const rows = await this.db.manager.query<Rows<ReapedJob>>(
      `WITH candidates AS (
         SELECT id FROM provisioner_jobs
          WHERE completed_at IS NULL
            AND ((started_at IS NULL AND updated_at < now() - ($1::double precision * interval '1 millisecond'))
              OR (started_at IS NOT NULL AND updated_at < now() - ($2::double precision * interval '1 millisecond')))
          ORDER BY updated_at
          LIMIT ${MAX_JOBS_PER_PASS}
          FOR UPDATE SKIP LOCKED
       ), reaped AS (
         UPDATE provisioner_jobs j
            SET completed_at = now(), updated_at = now(), started_at = coalesce(j.started_at, now()),
                error = CASE WHEN j.started_at IS NULL THEN $3 ELSE $4 END,
                error_code = CASE WHEN j.started_at IS NULL THEN NULL ELSE 'HUNG' END
           FROM candidates c
          WHERE j.id = c.id AND j.completed_at IS NULL
         RETURNING j.id, CASE WHEN j.error_code IS NULL THEN 'pending' ELSE 'hung' END AS kind
       ), logged AS (
         INSERT INTO provisioner_job_logs (job_id, created_at, source, level, stage, output)
         SELECT r.id, now(), 'provisioner_daemon', 'error',
                coalesce((SELECT l.stage FROM provisioner_job_logs l WHERE l.job_id = r.id ORDER BY l.id DESC LIMIT 1), 'Unknown'),
                CASE WHEN line.n = 3 THEN CASE WHEN r.kind = 'pending' THEN $5 ELSE $6 END ELSE line.text END
           FROM reaped r
          CROSS JOIN (VALUES (1, ''), (2, '===================='), (3, ''), (4, '===================='), (5, '')) AS line(n, text)
          ORDER BY r.id, line.n
       )
       SELECT id, kind FROM reaped`,
      [pendingMs, hungMs, texts.pendingError, texts.hungError, texts.pendingLog, texts.hungLog],
    );
    return rowsOf(rows);
  }

  /**
   * Coder's workspace build cancel, in the caller's transaction: the job row is locked FOR UPDATE,
   * then checked (completed, already canceled, not in `expect`ed status) and canceled: `canceled_at`,
   * and `completed_at` too while no daemon has taken it.
   */
  async cancelLockedJob(jobId: string, expect?: 'pending' | 'running'): Promise<CancelOutcome> {
    const found = await this.db.manager.query<
      Rows<{ started_at: Date | null; canceled_at: Date | null; completed_at: Date | null }>
    >('SELECT started_at, canceled_at, completed_at FROM provisioner_jobs WHERE id = $1 FOR UPDATE', [jobId]);
    const job = rowsOf(found)[0];
    if (!job) return 'missing';
    if (job.completed_at) return 'completed';
    if (job.canceled_at) return 'already_canceled';
    const status: JobStatus = job.started_at ? 'running' : 'pending';
    if (expect && status !== expect) return 'unexpected_status';
    await this.db.manager.query(
      `UPDATE provisioner_jobs SET canceled_at = now(), updated_at = now(),
              completed_at = CASE WHEN worker_id IS NULL THEN now() ELSE NULL END
        WHERE id = $1`,
      [jobId],
    );
    return 'canceled';
  }

  /**
   * Cancels (completes) the pending jobs of a template's versions, so a deleted template leaves
   * nothing in the queue; returns their ids. Jobs already taken by a daemon run to their end.
   */
  async cancelPendingJobsOfTemplate(templateId: string): Promise<string[]> {
    const rows = await this.db.manager.query<Rows<{ id: string }>>(
      `UPDATE provisioner_jobs j SET canceled_at = now(), completed_at = now(), updated_at = now()
         FROM template_versions v
        WHERE v.template_id = $1 AND j.id = v.job_id AND j.started_at IS NULL AND j.completed_at IS NULL
       RETURNING j.id`,
      [templateId],
    );
    return rowsOf(rows).map((r) => r.id);
  }
}
