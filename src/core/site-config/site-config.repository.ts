import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Database } from '../../database/database.js';
import { SiteConfigEntity } from './entities/site-config.entity.js';

/** The owner of `site_configs` (deployment-wide key/value settings). */
@Injectable()
export class SiteConfigRepository {
  constructor(private readonly db: Database) {}

  async getValue(key: string): Promise<string | undefined> {
    return (await this.db.manager.findOneBy(SiteConfigEntity, { key }))?.value;
  }

  /** Several keys in one query; absent keys are missing from the map. */
  async getValues(keys: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.db.manager.findBy(SiteConfigEntity, { key: In([...keys]) });
    return new Map(rows.map((row) => [row.key, row.value]));
  }

  async upsertValue(key: string, value: string): Promise<void> {
    await this.db.manager.upsert(SiteConfigEntity, { key, value }, ['key']);
  }

  /** Stores `value` unless the key is already there (race-free: the first writer wins). */
  async insertValueIfAbsent(key: string, value: string): Promise<void> {
    await this.db.manager.query('INSERT INTO site_configs (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
      key,
      value,
    ]);
  }

  /** A transaction-scoped advisory lock named `site_configs:<scope>`, held until the transaction ends. */
  async lockScope(scope: string): Promise<void> {
    await this.db.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`site_configs:${scope}`]);
  }
}
