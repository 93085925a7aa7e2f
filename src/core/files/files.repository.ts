import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { TemplateAclObject } from '../rbac/template-access.js';
import { FileEntity } from './entities/file.entity.js';

/** Uploaded files, and which templates use them (for the template-admin read rule). */
@Injectable()
export class FilesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  getFileById(id: string): Promise<FileEntity | null> {
    return this.db.manager.findOneBy(FileEntity, { id });
  }

  getFileByHashAndCreator(hash: string, createdBy: string): Promise<FileEntity | null> {
    return this.db.manager.findOneBy(FileEntity, { hash, createdBy });
  }

  async insertFile(file: FileEntity): Promise<void> {
    await this.db.manager.insert(FileEntity, file);
  }

  /** The live templates that have a version imported from this file (their organization and ACLs). */
  async templatesUsingFile(fileId: string): Promise<TemplateAclObject[]> {
    const rows: { organization_id: string; user_acl: Record<string, string[]>; group_acl: Record<string, string[]> }[] = await this.db.query(
      `SELECT DISTINCT ON (t.id) t.organization_id, t.user_acl, t.group_acl
         FROM provisioner_jobs j
         JOIN template_versions v ON v.job_id = j.id
         JOIN templates t ON t.id = v.template_id AND t.deleted = false
        WHERE j.file_id = $1 AND j.type = 'template_version_import'`,
      [fileId],
    );
    return rows.map((r) => ({ organizationId: r.organization_id, userAcl: r.user_acl, groupAcl: r.group_acl }));
  }
}
