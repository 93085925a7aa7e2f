import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { FileEntity } from '../files/entities/file.entity.js';
import type { AcquiredJob } from './protocol.js';
import type { ProvisionerJobEntity } from './entities/provisioner-job.entity.js';

interface BuildRow {
  workspace_build_id: string;
  workspace_id: string;
  workspace_name: string;
  owner_id: string;
  owner_name: string;
  build_number: number;
  transition: 'start' | 'stop' | 'delete';
  template_id: string;
  template_name: string;
  template_version_id: string;
}

/** Reads what a daemon needs about a job (file, version or build) and applies a job's outcome. */
@Injectable()
export class JobContextRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  getFile(id: string): Promise<FileEntity | null> {
    return this.db.manager.findOneBy(FileEntity, { id });
  }

  async describeJob(job: ProvisionerJobEntity): Promise<AcquiredJob | undefined> {
    const file = await this.getFile(job.fileId);
    if (!file) return undefined;
    const acquired: AcquiredJob = {
      job_id: job.id,
      type: job.type,
      provisioner: job.provisioner,
      created_at: job.createdAt.toISOString(),
      organization_id: job.organizationId,
      file: { id: file.id, hash: file.hash, mimetype: file.mimetype, data_base64: file.data.toString('base64') },
    };
    if (job.type === 'template_version_import') {
      acquired.template_import = { template_version_id: job.input.template_version_id ?? '' };
      return acquired;
    }
    const rows: BuildRow[] = await this.db.query(
      `SELECT b.id AS workspace_build_id, w.id AS workspace_id, w.name AS workspace_name, u.id AS owner_id,
              u.username AS owner_name, b.build_number, b.transition, t.id AS template_id, t.name AS template_name,
              b.template_version_id
         FROM workspace_builds b
         JOIN workspaces w ON w.id = b.workspace_id
         JOIN users u ON u.id = w.owner_id
         JOIN templates t ON t.id = w.template_id
        WHERE b.job_id = $1`,
      [job.id],
    );
    if (!rows[0]) return undefined;
    acquired.workspace_build = rows[0];
    return acquired;
  }

  /** The build a workspace-build job belongs to (transition and workspace). */
  async buildOfJob(jobId: string, manager: EntityManager = this.db.manager): Promise<{ id: string; workspace_id: string; transition: string } | undefined> {
    const rows: { id: string; workspace_id: string; transition: string }[] = await manager.query(
      'SELECT id, workspace_id, transition FROM workspace_builds WHERE job_id = $1',
      [jobId],
    );
    return rows[0];
  }

  async markWorkspaceDeleted(manager: EntityManager, workspaceId: string): Promise<void> {
    await manager.query('UPDATE workspaces SET deleted = true, updated_at = now() WHERE id = $1', [workspaceId]);
  }
}
