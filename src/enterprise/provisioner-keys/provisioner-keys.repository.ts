import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database.js';
import { DAEMON_LIVENESS_SECONDS } from '../../core/provisioning/jobs.repository.js';
import type { DaemonStatusRow } from '../../core/provisioning/provisioner-daemons.repository.js';
import { ProvisionerKeyEntity } from './entities/provisioner-key.entity.js';

/** Coder lists a key's daemons seen within three heartbeat intervals (db2sdk.RecentProvisionerDaemons). */
const RECENT_DAEMON_SECONDS = 180;

/** A daemon row as the key-daemons route lists it, with the key it connected with. */
export type KeyDaemonRow = DaemonStatusRow & { key_id: string };

/** The `provisioner_keys` table (and the daemons that connected with its keys). */
@Injectable()
export class ProvisionerKeysRepository {
  constructor(private readonly db: Database) {}

  /** The key whose secret hashes to `hashedSecret`, if any. */
  findBySecretHash(hashedSecret: Buffer): Promise<ProvisionerKeyEntity | null> {
    return this.db.manager.findOne(ProvisionerKeyEntity, { where: { hashedSecret } });
  }

  findById(id: string): Promise<ProvisionerKeyEntity | null> {
    return this.db.manager.findOne(ProvisionerKeyEntity, { where: { id } });
  }

  /** Names are stored lower-cased, so this is the case-insensitive lookup. */
  findByName(organizationId: string, name: string): Promise<ProvisionerKeyEntity | null> {
    return this.db.manager.findOne(ProvisionerKeyEntity, { where: { organizationId, name: name.toLowerCase() } });
  }

  listByOrganization(organizationId: string): Promise<ProvisionerKeyEntity[]> {
    return this.db.manager.find(ProvisionerKeyEntity, {
      where: { organizationId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async insert(key: ProvisionerKeyEntity): Promise<void> {
    await this.db.manager.insert(ProvisionerKeyEntity, key);
  }

  /** Deletes the key and the daemon rows that connected with it (Coder's FK cascades). */
  async deleteWithDaemons(id: string): Promise<void> {
    await this.db.manager.query('DELETE FROM provisioner_daemons WHERE key_id = $1', [id]);
    await this.db.manager.query('DELETE FROM provisioner_keys WHERE id = $1', [id]);
  }

  /**
   * The organization's daemons (and the built-in ones, which serve every organization) seen within
   * the last three minutes, by name, with their status and key. Not their jobs: every member may
   * list these (Coder answers null `current_job`/`previous_job` here too).
   */
  listRecentDaemons(organizationId: string): Promise<KeyDaemonRow[]> {
    return this.db.manager.query(
      `SELECT d.id, d.created_at, d.updated_at, d.last_seen_at, d.name, d.provisioners, d.tags, d.organization_id,
              d.version, d.api_version, d.key_id, k.name AS key_name,
              (d.disconnected_at IS NULL AND d.last_seen_at > now() - ($2::int * interval '1 second')) AS connected,
              EXISTS (SELECT 1 FROM provisioner_jobs j
                       WHERE j.worker_id = d.id AND j.started_at IS NOT NULL AND j.completed_at IS NULL) AS busy
         FROM provisioner_daemons d
         LEFT JOIN provisioner_keys k ON k.id = d.key_id
        WHERE (d.organization_id = $1 OR d.organization_id IS NULL)
          AND d.last_seen_at > now() - ($3::int * interval '1 second')
        ORDER BY d.name, d.id`,
      [organizationId, DAEMON_LIVENESS_SECONDS, RECENT_DAEMON_SECONDS],
    );
  }
}
