import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { SiteConfigEntity } from './entities/site-config.entity.js';

/** Deployment-wide key/value settings (Coder's `site_configs`). */
@Injectable()
export class SiteConfigService implements OnModuleInit {
  private deploymentIdValue = '';

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async onModuleInit(): Promise<void> {
    this.deploymentIdValue = await this.getOrInit('deployment_id', randomUUID());
  }

  /** This deployment's id, created once and shared by every replica. */
  get deploymentId(): string {
    return this.deploymentIdValue;
  }

  async get(key: string, manager: EntityManager = this.db.manager): Promise<string | undefined> {
    return (await manager.findOneBy(SiteConfigEntity, { key }))?.value;
  }

  /** Several keys in one query; absent keys are missing from the map. */
  async getMany(keys: readonly string[], manager: EntityManager = this.db.manager): Promise<Map<string, string>> {
    const rows = await manager.findBy(SiteConfigEntity, { key: In([...keys]) });
    return new Map(rows.map((row) => [row.key, row.value]));
  }

  async set(key: string, value: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.upsert(SiteConfigEntity, { key, value }, ['key']);
  }

  /** Returns the stored value, storing `initial` first if the key is absent (race-free). */
  async getOrInit(key: string, initial: string): Promise<string> {
    await this.db.query('INSERT INTO site_configs (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
      key,
      initial,
    ]);
    return (await this.get(key)) ?? initial;
  }
}
