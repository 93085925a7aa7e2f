import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { SERVER_VERSION } from '../../common/version.js';
import type { ProvisionerDaemonEntity } from './entities/provisioner-daemon.entity.js';
import { runEchoJob, type JobChannel } from './echo/echo-runner.js';
import type { AcquiredJob } from './protocol.js';
import { ProvisionerdService } from './provisionerd.service.js';
import { ProvisionerDaemonsRepository } from './provisioner-daemons.repository.js';
import { BUILT_IN_KEY_ID } from './provisioner-key-ids.js';

const HEARTBEAT_MS = 10_000;
const ACQUIRE_WAIT_MS = 30_000;
/** Leaves room for `-<i>` within 64 characters, the longest name an external daemon may take. */
const MAX_HOST_LENGTH = 60;

/**
 * CODER_PROVISIONER_DAEMONS in-process daemons (tags `scope=organization`, every organization)
 * running the echo provisioner through exactly the calls an external daemon makes.
 */
@Injectable()
export class BuiltinDaemonsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('BuiltinDaemons');
  private readonly abort = new AbortController();
  private daemons: ProvisionerDaemonEntity[] = [];
  private loops: Promise<void>[] = [];
  private heartbeat: NodeJS.Timeout | undefined;
  /** Jobs run by this process's built-in daemons (for metrics and tests). */
  completedJobs = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly provisionerd: ProvisionerdService,
    private readonly daemonRows: ProvisionerDaemonsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Coder names them `<hostname>-<i>`; restarts reuse the rows (registerBuiltinDaemons).
    this.daemons = await this.daemonRows.registerBuiltinDaemons(
      hostname().slice(0, MAX_HOST_LENGTH),
      this.config.provisionerDaemons,
      {
        provisioners: ['echo'],
        tags: { scope: 'organization' },
        version: SERVER_VERSION,
        apiVersion: '1.0',
        keyId: BUILT_IN_KEY_ID,
      },
    );
    this.loops = this.daemons.map((daemon) => this.loop(daemon));
    if (this.daemons.length > 0) {
      this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
      this.heartbeat.unref();
    }
  }

  /** Stops taking jobs, lets running ones finish, and marks the daemons disconnected (before the pool closes). */
  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort();
    if (this.heartbeat) clearInterval(this.heartbeat);
    await Promise.allSettled(this.loops);
    for (const daemon of this.daemons) await this.provisionerd.disconnectDaemon(daemon).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    for (const daemon of this.daemons) await this.provisionerd.heartbeat(daemon).catch(() => undefined);
  }

  private async loop(daemon: ProvisionerDaemonEntity): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        const job = await this.provisionerd.acquireJob(daemon, ACQUIRE_WAIT_MS, this.abort.signal);
        if (job) await this.run(daemon, job);
      } catch (err) {
        if (this.abort.signal.aborted) break;
        this.logger.warn(`${daemon.name}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async run(daemon: ProvisionerDaemonEntity, job: AcquiredJob): Promise<void> {
    const channel: JobChannel = {
      // An echo job runs in milliseconds: a cancel arriving meanwhile is not worth interrupting it for.
      log: async (logs) => void (await this.provisionerd.updateJob(daemon, job.job_id, logs)),
      commitQuota: (cost) => this.provisionerd.commitQuota(daemon, job.job_id, cost),
      complete: (resources, stop) => this.provisionerd.completeJob(daemon, job.job_id, resources, stop),
      fail: (error, code) => this.provisionerd.failJob(daemon, job.job_id, error, code),
    };
    if (job.provisioner !== 'echo') {
      await channel.fail(`The built-in provisioner daemons run only the echo provisioner, not "${job.provisioner}".`);
      return;
    }
    try {
      await runEchoJob(job, channel);
      this.completedJobs++;
    } catch (err) {
      this.logger.warn(`${daemon.name}: job ${job.job_id} failed: ${(err as Error).message}`);
      await channel.fail(`internal error running the job: ${(err as Error).message}`).catch(() => undefined);
    }
  }
}
