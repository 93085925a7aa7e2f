import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ProvisionerDaemonsRepository } from './provisioner-daemons.repository.js';

/** Coder's dbpurge tick. */
export const DAEMON_PURGE_INTERVAL_MS = 10 * 60_000;
/** The first purge runs this soon after start, not at once: startup stays light. */
const FIRST_PURGE_DELAY_MS = 10_000;

/**
 * Coder's dbpurge for provisioner daemons: rows not seen for 7 days are deleted every 10 minutes.
 * Safe on every replica: it is one DELETE, and a row deleted twice is simply not found the second time.
 */
@Injectable()
export class DaemonPurgeService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DaemonPurge');
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly daemons: ProvisionerDaemonsRepository) {}

  onApplicationBootstrap(): void {
    const first = setTimeout(() => void this.purge(), FIRST_PURGE_DELAY_MS);
    const every = setInterval(() => void this.purge(), DAEMON_PURGE_INTERVAL_MS);
    first.unref();
    every.unref();
    this.timers = [first, every];
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  /** Deletes the daemons not seen for a week; returns how many. Never throws. */
  async purge(): Promise<number> {
    try {
      const deleted = await this.daemons.deleteOldDaemons();
      if (deleted > 0) this.logger.log(`deleted ${deleted} provisioner daemons not seen for 7 days`);
      return deleted;
    } catch (err) {
      this.logger.warn(`daemon purge skipped: ${(err as Error).message}`);
      return 0;
    }
  }
}
