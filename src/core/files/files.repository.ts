import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database.js';
import type { TemplateAclObject } from '../rbac/template-access.js';
import { FileEntity } from './entities/file.entity.js';

/** The owner of `files`; also which templates use a file (for the template-admin read rule). */
@Injectable()
export class FilesRepository {
  constructor(private readonly db: Database) {}

  getFileById(id: string): Promise<FileEntity | null> {
    return this.db.manager.findOneBy(FileEntity, { id });
  }

  getFileByHashAndCreator(hash: string, createdBy: string): Promise<FileEntity | null> {
    return this.db.manager.findOneBy(FileEntity, { hash, createdBy });
  }

  async insertFile(file: FileEntity): Promise<void> {
    await this.db.manager.insert(FileEntity, file);
  }

  /**
   * The live templates that have a version imported from this file (their organization and ACLs).
   * A read of the file's uses in one statement: the templates module imports this one, so it cannot
   * ask the templates repository without a module cycle.
   */
  async templatesUsingFile(fileId: string): Promise<TemplateAclObject[]> {
    const rows: { organization_id: string; user_acl: Record<string, string[]>; group_acl: Record<string, string[]> }[] =
      await this.db.manager.query(
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
