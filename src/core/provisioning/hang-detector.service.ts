import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { formatDuration } from '../../config/duration.js';
import { JobsRepository } from './jobs.repository.js';

/**
 * Coder's hang detector: a running job whose daemon stopped updating it (crashed, partitioned) is
 * failed after CODER_JOB_HANG_TIMEOUT, so it never stays "running" forever. Safe on every replica:
 * the UPDATE claims each job once.
 */
@Injectable()
export class HangDetectorService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HangDetector');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobsRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.jobHangDetectorIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<string[]> {
    const timeout = formatDuration(this.config.jobHangTimeoutMs);
    try {
      const failed = await this.jobs.failHungJobs(
        this.config.jobHangTimeoutMs,
        `Coder: Build has been detected as hung for ${timeout} and has been terminated by hang detector.`,
      );
      if (failed.length > 0) this.logger.warn(`failed hung jobs: ${failed.join(', ')}`);
      return failed;
    } catch (err) {
      this.logger.warn(`hang detection skipped: ${(err as Error).message}`);
      return [];
    }
  }
}
