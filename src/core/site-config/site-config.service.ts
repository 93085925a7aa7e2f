import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { SiteConfigRepository } from './site-config.repository.js';

/**
 * Deployment-wide key/value settings (Coder's `site_configs`). Inside `Database.transaction` the
 * reads and writes join the transaction.
 */
@Injectable()
export class SiteConfigService implements OnModuleInit {
  private deploymentIdValue = '';

  constructor(private readonly repo: SiteConfigRepository) {}

  async onModuleInit(): Promise<void> {
    this.deploymentIdValue = await this.getOrInit('deployment_id', randomUUID());
  }

  /** This deployment's id, created once and shared by every replica. */
  get deploymentId(): string {
    return this.deploymentIdValue;
  }

  get(key: string): Promise<string | undefined> {
    return this.repo.getValue(key);
  }

  /** Several keys in one query; absent keys are missing from the map. */
  getMany(keys: readonly string[]): Promise<Map<string, string>> {
    return this.repo.getValues(keys);
  }

  set(key: string, value: string): Promise<void> {
    return this.repo.upsertValue(key, value);
  }

  /** Returns the stored value, storing `initial` first if the key is absent (race-free). */
  async getOrInit(key: string, initial: string): Promise<string> {
    await this.repo.insertValueIfAbsent(key, initial);
    return (await this.get(key)) ?? initial;
  }

  /**
   * Serialises the transactions that read, merge and write one group of keys (`appearance`):
   * call inside `Database.transaction`; the lock is released when it ends.
   */
  lock(scope: string): Promise<void> {
    return this.repo.lockScope(scope);
  }
}
