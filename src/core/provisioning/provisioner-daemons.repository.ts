import { Injectable } from '@nestjs/common';
import { IsNull, Not, type FindOptionsWhere } from 'typeorm';
import { Database } from '../../database/database.js';
import { ProvisionerDaemonEntity } from './entities/provisioner-daemon.entity.js';
import { DAEMON_LIVENESS_SECONDS } from './jobs.repository.js';

/** Daemons not seen for this long are no longer listed. */
const LIST_WINDOW_SECONDS = 3600;
const LIST_LIMIT = 1000;

/** A daemon as the list route shows it: its row, whether it is connected and whether it runs a job. */
export interface DaemonStatusRow {
  id: string;
  created_at: Date;
  updated_at: Date | null;
  last_seen_at: Date;
  name: string;
  provisioners: string[] | null;
  tags: Record<string, string> | null;
  organization_id: string | null;
  version: string;
  connected: boolean;
  busy: boolean;
}

/** The `provisioner_daemons` table: registrations, liveness, and the list of an organization's daemons. */
@Injectable()
export class ProvisionerDaemonsRepository {
  constructor(private readonly db: Database) {}

  /**
   * The oldest row of a daemon with this name, kind and organization, to register it under again.
   * With `onlyDisconnected`, a row still held by a live session is never returned.
   */
  getDaemonToReuse(input: {
    name: string;
    builtin: boolean;
    organizationId: string | null;
    onlyDisconnected: boolean;
  }): Promise<ProvisionerDaemonEntity | null> {
    const where: FindOptionsWhere<ProvisionerDaemonEntity> = {
      name: input.name,
      builtin: input.builtin,
      organizationId: input.organizationId === null ? IsNull() : input.organizationId,
    };
    if (input.onlyDisconnected) where.disconnectedAt = Not(IsNull());
    return this.db.manager.findOne(ProvisionerDaemonEntity, { where, order: { createdAt: 'ASC' } });
  }

  async saveDaemon(daemon: ProvisionerDaemonEntity): Promise<ProvisionerDaemonEntity> {
    await this.db.manager.save(ProvisionerDaemonEntity, daemon);
    return daemon;
  }

  async touchDaemon(id: string): Promise<void> {
    await this.db.manager.query('UPDATE provisioner_daemons SET last_seen_at = now() WHERE id = $1', [id]);
  }

  async markDaemonDisconnected(id: string): Promise<void> {
    await this.db.manager.query(
      'UPDATE provisioner_daemons SET disconnected_at = now(), last_seen_at = now() WHERE id = $1',
      [id],
    );
  }

  /**
   * The daemons serving an organization (its own and the built-in ones) seen within the hour,
   * newest first, with their status, in one statement.
   */
  listDaemonsServingOrganization(organizationId: string): Promise<DaemonStatusRow[]> {
    return this.db.manager.query(
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
