import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { JobReaperRepository, type ReapedJob, type ReaperTexts } from './job-reaper.repository.js';
import { JOB_LOGS_CHANNEL } from './job-logs-channel.js';
import { PubSub } from '../../database/pubsub/pubsub.js';

/** Coder prints the threshold as whole minutes (`%.0f` of Go's Duration.Minutes()). */
const minutes = (ms: number): string => (ms / 60_000).toFixed(0);

/** Coder's reaper texts (coderd/jobreaper): the job error and the log line between two rules. */
export function reaperTexts(pendingMs: number, hungMs: number): ReaperTexts {
  const text = (kind: string, ms: number, end: string) =>
    `Coder: Build has been detected as ${kind} for ${minutes(ms)} minutes and ${end}`;
  return {
    pendingError: text('pending', pendingMs, 'has been terminated by the reaper.'),
    pendingLog: text('pending', pendingMs, 'will be terminated.'),
    hungError: text('hung', hungMs, 'has been terminated by the reaper.'),
    hungLog: text('hung', hungMs, 'will be terminated.'),
  };
}

/**
 * Coder's job reaper (once its hang detector): a running job whose daemon stopped updating it
 * (crashed, partitioned) is failed after CODER_JOB_HANG_TIMEOUT, and a job no daemon took within
 * CODER_JOB_PENDING_TIMEOUT is failed too, so neither stays "running" or "pending" forever. Safe on
 * every replica: one UPDATE claims each job once.
 */
@Injectable()
export class HangDetectorService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HangDetector');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reaper: JobReaperRepository,
    private readonly pubsub: PubSub,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.jobHangDetectorIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<ReapedJob[]> {
    const { jobPendingTimeoutMs: pending, jobHangTimeoutMs: hung } = this.config;
    try {
      const reaped = await this.reaper.reapJobs(pending, hung, reaperTexts(pending, hung));
      for (const job of reaped) await this.announceLogs(job.id);
      if (reaped.length > 0) this.logger.warn(`reaped jobs: ${reaped.map((j) => `${j.id} (${j.kind})`).join(', ')}`);
      return reaped;
    } catch (err) {
      this.logger.warn(`job reaping skipped: ${(err as Error).message}`);
      return [];
    }
  }

  /** Wakes the log streams following a reaped job (they also re-read on their own). */
  private async announceLogs(jobId: string): Promise<void> {
    await this.pubsub.publish(JOB_LOGS_CHANNEL, jobId).catch(() => undefined);
  }
}
