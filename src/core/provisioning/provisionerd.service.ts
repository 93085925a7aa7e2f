import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Database } from '../../database/database.js';
import { FilesRepository } from '../files/files.repository.js';
import { PubSub } from '../../database/pubsub/pubsub.js';
import { BuildDeadlinesService } from '../workspaces/build-deadlines.service.js';
import { WorkspaceBuildsRepository } from '../workspaces/workspace-builds.repository.js';
import { WorkspacesRepository } from '../workspaces/workspaces.repository.js';
import { ProvisionerDaemonEntity } from './entities/provisioner-daemon.entity.js';
import type { ProvisionerJobEntity } from './entities/provisioner-job.entity.js';
import { WorkspaceResourceEntity } from './entities/workspace-resource.entity.js';
import { JOB_LOGS_CHANNEL } from './job-logs-channel.js';
import { JobsRepository } from './jobs.repository.js';
import type { AcquiredJob, CommitQuotaResult, JobLogInput, ProtocolResource } from './protocol.js';
import { BUILT_IN_KEY_ID, USER_AUTH_KEY_ID } from './provisioner-key-ids.js';
import { ProvisionerDaemonsRepository } from './provisioner-daemons.repository.js';
import { QuotaCommitter } from './quota-committer.js';

/** Pubsub channel announcing new jobs, so idle daemons on every replica try to acquire at once. */
export const JOBS_CHANNEL = 'provisioner_jobs';
/** Idle daemons also retry this often, in case an announcement was missed. */
const ACQUIRE_POLL_MS = 5000;
const MAX_LOGS_PER_UPDATE = 1000;
const MAX_LOG_OUTPUT = 64 * 1024;

/** A request the protocol refuses (wrong job, job not running...): sent back as an `error` frame. */
export class ProvisionerdError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Internal: rolls back a failure whose job completed meanwhile. */
class JobAlreadyCompleted extends Error {}

export interface NewDaemon {
  name: string;
  provisioners: string[];
  tags: Record<string, string>;
  organizationId: string | null;
  builtin: boolean;
  version?: string;
  /** The provisioner key it authenticated with; default: Coder's reserved `built-in` or `user-auth` id. */
  keyId?: string;
  /** The daemon API version it speaks (default `1.0`). */
  apiVersion?: string;
}

/**
 * The daemon-facing side of provisioning (Coder's provisionerdserver): register, acquire, log,
 * commit quota, complete and fail. Built-in daemons call it directly; external daemons reach it
 * through their WebSocket session. Every call checks that the job belongs to the calling daemon.
 */
@Injectable()
export class ProvisionerdService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Provisionerd');
  private waiters = new Set<() => void>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly jobs: JobsRepository,
    private readonly daemons: ProvisionerDaemonsRepository,
    private readonly files: FilesRepository,
    private readonly workspaces: WorkspacesRepository,
    private readonly builds: WorkspaceBuildsRepository,
    private readonly pubsub: PubSub,
    @Inject(QuotaCommitter) private readonly quota: QuotaCommitter,
    private readonly deadlines: BuildDeadlinesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Any announcement (or a pubsub reconnect, which may have lost some) wakes every idle daemon.
    this.unsubscribe = await this.pubsub.subscribe(JOBS_CHANNEL, () => this.wakeAll());
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.wakeAll();
  }

  /** Tells every replica that a job is waiting. */
  async announceJob(job: ProvisionerJobEntity): Promise<void> {
    try {
      await this.pubsub.publish(JOBS_CHANNEL, JSON.stringify({ provisioner: job.provisioner, tags: job.tags }));
    } catch (err) {
      this.logger.warn(`could not announce job ${job.id}: ${(err as Error).message}; daemons will find it by polling`);
    }
  }

  private wakeAll(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  async registerDaemon(input: NewDaemon): Promise<ProvisionerDaemonEntity> {
    const now = new Date();
    // Coder keeps one row per daemon name; a name still in use by a live session gets its own row,
    // so one session's disconnect never fails another session's jobs.
    const existing = await this.daemons.getDaemonToReuse({
      name: input.name,
      builtin: input.builtin,
      organizationId: input.organizationId,
      onlyDisconnected: !input.builtin,
    });
    const daemon = Object.assign(existing ?? new ProvisionerDaemonEntity(), {
      id: existing?.id ?? randomUUID(),
      createdAt: existing?.createdAt ?? now,
      updatedAt: existing ? now : null,
      lastSeenAt: now,
      disconnectedAt: null,
      name: input.name,
      provisioners: input.provisioners,
      tags: input.tags,
      organizationId: input.organizationId,
      builtin: input.builtin,
      version: input.version ?? '',
      apiVersion: input.apiVersion ?? '1.0',
      keyId: input.keyId ?? (input.builtin ? BUILT_IN_KEY_ID : USER_AUTH_KEY_ID),
    });
    return this.daemons.saveDaemon(daemon);
  }

  /** Marks a daemon alive and keeps its running job from looking hung. */
  async heartbeat(daemon: ProvisionerDaemonEntity): Promise<void> {
    await this.daemons.touchDaemon(daemon.id);
    await this.jobs.touchRunningJobsOf(daemon.id);
  }

  /** A daemon went away: its unfinished jobs fail (they are never handed out twice). */
  async disconnectDaemon(
    daemon: ProvisionerDaemonEntity,
    reason = 'The provisioner daemon disconnected while running this job.',
  ): Promise<string[]> {
    // Jobs first: once `disconnected_at` is set, a reconnecting daemon of the same name may reuse
    // this row (and id) and acquire jobs that must not be failed here.
    const failed = await this.jobs.failRunningJobsOf(daemon.id, reason);
    await this.daemons.markDaemonDisconnected(daemon.id);
    for (const jobId of failed) await this.announceLogs(jobId);
    if (failed.length > 0) this.logger.warn(`daemon ${daemon.name} disconnected; failed jobs ${failed.join(', ')}`);
    return failed;
  }

  /**
   * The next job for this daemon, or null. With `waitMs`, waits (woken by announcements, polling
   * as a fallback) until a job comes or the time is up; `signal` aborts the wait.
   */
  async acquireJob(daemon: ProvisionerDaemonEntity, waitMs = 0, signal?: AbortSignal): Promise<AcquiredJob | null> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const job = await this.jobs.acquireJob(daemon);
      if (job) {
        const described = await this.describe(job);
        if (described) return described;
        await this.failJobInternal(
          job.id,
          'The job refers to a file, version or build that no longer exists.',
          'MISSING_INPUT',
        );
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted) return null;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, ACQUIRE_POLL_MS));
        this.waiters.add(done);
        signal?.addEventListener('abort', done);
      });
    }
  }

  private async runningJobOf(daemon: ProvisionerDaemonEntity, jobId: unknown): Promise<ProvisionerJobEntity> {
    if (typeof jobId !== 'string' || !/^[0-9a-f-]{36}$/i.test(jobId))
      throw new ProvisionerdError('invalid_job_id', 'job_id must be a UUID');
    const job = await this.jobs.getJob(jobId.toLowerCase());
    if (!job || job.workerId !== daemon.id) throw new ProvisionerdError('not_your_job', "you don't own this job");
    if (job.completedAt) throw new ProvisionerdError('job_not_running', 'job is not running');
    return job;
  }

  /** Appends logs; answers whether the job has been canceled (the daemon should stop it, as Coder's daemons do). */
  async updateJob(daemon: ProvisionerDaemonEntity, jobId: string, logs: JobLogInput[]): Promise<boolean> {
    const job = await this.runningJobOf(daemon, jobId);
    const clipped = logs
      .slice(0, MAX_LOGS_PER_UPDATE)
      .map((l) => ({ ...l, output: l.output.slice(0, MAX_LOG_OUTPUT) }));
    await this.db.transaction(async () => {
      await this.jobs.insertLogs(job.id, 'provisioner', clipped);
      await this.jobs.touchJob(job.id);
    });
    await this.announceLogs(job.id);
    return job.canceledAt !== null;
  }

  async commitQuota(daemon: ProvisionerDaemonEntity, jobId: string, dailyCost: number): Promise<CommitQuotaResult> {
    const job = await this.runningJobOf(daemon, jobId);
    if (job.type !== 'workspace_build')
      throw new ProvisionerdError('not_a_build', 'only workspace builds commit quota');
    return this.quota.commit(job.id, dailyCost);
  }

  async completeJob(
    daemon: ProvisionerDaemonEntity,
    jobId: string,
    resources: ProtocolResource[],
    stopResources: ProtocolResource[] = [],
  ): Promise<void> {
    const job = await this.runningJobOf(daemon, jobId);
    const now = new Date();
    const row = (r: ProtocolResource, transition: string) =>
      Object.assign(new WorkspaceResourceEntity(), {
        id: randomUUID(),
        createdAt: now,
        jobId: job.id,
        transition,
        type: r.type,
        name: r.name,
        hide: r.hide === true,
        icon: r.icon ?? '',
        instanceType: r.instance_type ?? null,
        dailyCost: r.daily_cost,
      });
    await this.db.transaction(async () => {
      if (job.type === 'template_version_import') {
        await this.jobs.insertResources([
          ...resources.map((r) => row(r, 'start')),
          ...stopResources.map((r) => row(r, 'stop')),
        ]);
      } else {
        const build = await this.builds.getBuildOfJob(job.id);
        if (build) {
          await this.jobs.insertResources(resources.map((r) => row(r, build.transition)));
          if (build.transition === 'delete') await this.workspaces.markWorkspaceDeleted(build.workspace_id);
          if (build.transition === 'start') await this.deadlines.startCompleted(build.id, now);
        }
      }
      if (!(await this.jobs.completeJob(job.id, undefined, now)))
        throw new ProvisionerdError('job_not_running', 'job is not running');
    });
    await this.announceLogs(job.id);
  }

  async failJob(daemon: ProvisionerDaemonEntity, jobId: string, error: string, errorCode?: string): Promise<void> {
    const job = await this.runningJobOf(daemon, jobId);
    if (!(await this.failJobInternal(job.id, error || 'unknown error', errorCode))) {
      throw new ProvisionerdError('job_not_running', 'job is not running');
    }
  }

  /** False (and nothing written) when the job completed meanwhile. */
  private async failJobInternal(jobId: string, error: string, errorCode?: string): Promise<boolean> {
    const failed = await this.db
      .transaction(async () => {
        await this.jobs.insertLogs(jobId, 'provisioner_daemon', [{ level: 'error', output: error }]);
        const failed = await this.jobs.completeJob(jobId, { message: error.slice(0, 4096), code: errorCode });
        // Roll the log line back with the refused update.
        if (!failed) throw new JobAlreadyCompleted();
        return true;
      })
      .catch((err: unknown) => {
        if (err instanceof JobAlreadyCompleted) return false;
        throw err;
      });
    if (failed) await this.announceLogs(jobId);
    return failed;
  }

  /** What a daemon needs to run the job; undefined when its file or build no longer exists. */
  private async describe(job: ProvisionerJobEntity): Promise<AcquiredJob | undefined> {
    const file = await this.files.getFileById(job.fileId);
    if (!file) return undefined;
    const acquired: AcquiredJob = {
      job_id: job.id,
      type: job.type,
      provisioner: job.provisioner,
      created_at: job.createdAt.toISOString(),
      organization_id: job.organizationId,
      file: { id: file.id, hash: file.hash, mimetype: file.mimetype, data_base64: file.data.toString('base64') },
    };
    if (job.type === 'template_version_import') {
      acquired.template_import = { template_version_id: job.input.template_version_id ?? '' };
      return acquired;
    }
    const build = await this.builds.describeBuildOfJob(job.id);
    if (!build) return undefined;
    acquired.workspace_build = build;
    return acquired;
  }

  /** Wakes the log streams following the job, on every replica, once its change has committed. */
  private async announceLogs(jobId: string): Promise<void> {
    try {
      await this.pubsub.publish(JOB_LOGS_CHANNEL, jobId);
    } catch (err) {
      // Streams also re-read on their own every second.
      this.logger.warn(`could not announce logs of job ${jobId}: ${(err as Error).message}`);
    }
  }
}
