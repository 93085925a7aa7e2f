import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database.js';

/** Serializes quota decisions per user across requests and replicas (advisory transaction lock). */
const QUOTA_LOCK_NAMESPACE = 7_245_002;

/**
 * The quota's own statement: its figures are read from their tables' owners (consumed credits from
 * src/core/workspaces/workspaces.repository.ts, allowances from src/core/groups/groups.repository.ts).
 */
@Injectable()
export class WorkspaceQuotaRepository {
  constructor(private readonly db: Database) {}

  /** Holds the user's quota until the transaction ends: concurrent builds of one owner decide one at a time. */
  async lockQuotaOfUser(userId: string): Promise<void> {
    await this.db.manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [QUOTA_LOCK_NAMESPACE, userId]);
  }
}
