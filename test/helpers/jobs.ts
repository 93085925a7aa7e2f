import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JobsService } from '../../src/core/provisioning/jobs.service.js';
import { Database } from '../../src/database/database.js';
import type { TestApp } from './app.js';

/** An echo template (docs/provisioner-protocol.md §6). */
export interface EchoTemplate {
  resources?: { name: string; type: string; daily_cost?: number }[];
  stop_resources?: { name: string; type: string; daily_cost?: number }[];
  logs?: string[];
  fail?: string | null;
}

export interface ImportJobOptions {
  organizationId: string;
  initiatorId: string;
  template?: EchoTemplate;
  tags?: Record<string, string>;
  /** Default `echo`. */
  provisioner?: 'echo' | 'terraform';
}

export interface CreatedJob {
  jobId: string;
  versionId: string;
  fileId: string;
}

export interface JobRow {
  id: string;
  started_at: Date | null;
  completed_at: Date | null;
  error: string | null;
  error_code: string | null;
  worker_id: string | null;
}

/**
 * A template-version import job, made without the templates API: the uploaded file (an echo JSON
 * body), the version row and the pending job (JobsService.createJob), then the announcement that
 * wakes idle daemons, exactly as the templates service does.
 */
export async function createImportJob(t: TestApp, options: ImportJobOptions): Promise<CreatedJob> {
  const db = t.app.get(DataSource);
  const jobs = t.app.get(JobsService);
  const data = Buffer.from(
    JSON.stringify(
      options.template ?? { resources: [{ name: 'dev', type: 'container', daily_cost: 1 }], logs: ['hello'] },
    ),
  );
  const hash = createHash('sha256').update(data).digest('hex');
  const [file] = await db.query<{ id: string }[]>(
    `INSERT INTO files (id, hash, created_at, created_by, mimetype, data) VALUES ($1, $2, now(), $3, 'application/json', $4)
     ON CONFLICT (hash, created_by) DO UPDATE SET hash = EXCLUDED.hash RETURNING id`,
    [randomUUID(), hash, options.initiatorId, data],
  );
  const versionId = randomUUID();
  const database = t.app.get(Database);
  const job = await database.transaction(async () => {
    const created = await jobs.createJob({
      type: 'template_version_import',
      provisioner: options.provisioner ?? 'echo',
      organizationId: options.organizationId,
      initiatorId: options.initiatorId,
      fileId: file.id,
      input: { template_version_id: versionId },
      tags: options.tags ?? { scope: 'organization' },
    });
    await database.manager.query(
      `INSERT INTO template_versions (id, template_id, organization_id, created_at, updated_at, name, job_id, created_by)
       VALUES ($1, NULL, $2, now(), now(), $3, $4, $5)`,
      [versionId, options.organizationId, `v-${versionId.slice(0, 8)}`, created.id, options.initiatorId],
    );
    return created;
  });
  await jobs.announce(job);
  return { jobId: job.id, versionId, fileId: file.id };
}

export async function getJob(t: TestApp, jobId: string): Promise<JobRow> {
  const [row] = await t.app
    .get(DataSource)
    .query<JobRow[]>(
      'SELECT id, started_at, completed_at, error, error_code, worker_id FROM provisioner_jobs WHERE id = $1',
      [jobId],
    );
  return row;
}

/** Polls until the job completes (succeeded or failed); throws after `timeoutMs`. */
export async function waitForCompletion(t: TestApp, jobId: string, timeoutMs = 20_000): Promise<JobRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await getJob(t, jobId);
    if (row.completed_at) return row;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not complete within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function jobLogs(
  t: TestApp,
  jobId: string,
): Promise<{ level: string; stage: string; output: string; source: string }[]> {
  return t.app
    .get(DataSource)
    .query('SELECT level, stage, output, source FROM provisioner_job_logs WHERE job_id = $1 ORDER BY id', [jobId]);
}
