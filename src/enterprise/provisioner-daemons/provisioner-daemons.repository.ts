import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DAEMON_LIVENESS_SECONDS } from '../../core/provisioning/jobs.repository.js';
import type { DaemonRow } from './dto/provisioner-daemon.dto.js';

/** Daemons not seen for this long are no longer listed. */
const LIST_WINDOW_SECONDS = 3600;
const LIST_LIMIT = 1000;

@Injectable()
export class ProvisionerDaemonsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The daemons serving an organization (its own and the built-in ones) seen within the hour,
   * newest first, with their status, in one statement.
   */
  listDaemonsServingOrganization(organizationId: string): Promise<DaemonRow[]> {
    return this.db.query(
      `SELECT d.id, d.created_at, d.updated_at, d.last_seen_at, d.name, d.provisioners, d.tags, d.organization_id, d.version,
              (d.disconnected_at IS NULL AND d.last_seen_at > now() - ($2::int * interval '1 second')) AS connected,
              EXISTS (SELECT 1 FROM provisioner_jobs j
                       WHERE j.worker_id = d.id AND j.started_at IS NOT NULL AND j.completed_at IS NULL) AS busy
         FROM provisioner_daemons d
        WHERE (d.organization_id = $1 OR d.organization_id IS NULL)
          AND d.last_seen_at > now() - ($3::int * interval '1 second')
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT $4`,
      [organizationId, DAEMON_LIVENESS_SECONDS, LIST_WINDOW_SECONDS, LIST_LIMIT],
    );
  }
}
