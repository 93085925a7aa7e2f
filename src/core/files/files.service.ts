import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { forbidden } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import { canOnTemplate } from '../rbac/template-access.js';
import type { FileEntity } from './entities/file.entity.js';
import { unsupportedContentType } from './files.errors.js';
import { FilesRepository } from './files.repository.js';

/** Content types a template source may be uploaded as: Coder's tar, and JSON for echo templates. */
export const UPLOAD_TYPES = ['application/x-tar', 'application/json'] as const;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** A file the caller may see: `readable` unless it only uses a template imported from it (403 on download). */
export interface VisibleFile {
  file: FileEntity;
  readable: boolean;
}

/** `POST /files` and `GET /files/{fileID}`: template sources, deduplicated per uploader. */
@Injectable()
export class FilesService {
  constructor(private readonly repo: FilesRepository) {}

  /** Stores the bytes (or finds the same bytes uploaded before by the same user); `created` tells which. */
  async upload(actor: Actor, contentType: string | undefined, data: Buffer): Promise<{ id: string; created: boolean }> {
    const type = (contentType ?? '').trim();
    if (!(UPLOAD_TYPES as readonly string[]).includes(type)) throw unsupportedContentType(type, UPLOAD_TYPES);
    const hash = createHash('sha256').update(data).digest('hex');
    const existing = await this.repo.getFileByHashAndCreator(hash, actor.id);
    if (existing) return { id: existing.id, created: false };
    const file: FileEntity = {
      id: randomUUID(),
      hash,
      createdAt: new Date(),
      createdBy: actor.id,
      mimetype: type,
      data,
    };
    try {
      await this.repo.insertFile(file);
      return { id: file.id, created: true };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // The same user uploaded the same bytes concurrently: answer with that file.
      const raced = await this.repo.getFileByHashAndCreator(hash, actor.id);
      if (!raced) throw err;
      return { id: raced.id, created: false };
    }
  }

  /**
   * Who may see a file: its uploader, owners and template admins (Coder's rule), and whoever may
   * update a template with a version imported from it (a template ACL `admin`, an organization
   * admin) may read it; someone who only uses such a template sees it but may not read it; anyone
   * else gets null.
   */
  async findVisible(actor: Actor, id: string): Promise<VisibleFile | null> {
    const file = await this.repo.getFileById(id);
    const access = file ? await this.access(actor, file) : 'none';
    return file && access !== 'none' ? { file, readable: access === 'read' } : null;
  }

  /** `GET /files/{fileID}`: the bytes, or 403 for a caller who only uses a template imported from the file. */
  download(visible: VisibleFile): FileEntity {
    if (!visible.readable) throw forbidden();
    return visible.file;
  }

  /** For template versions: the file, if the actor may read it (the same rule as the download), or null. */
  async getUsable(actor: Actor, id: string): Promise<FileEntity | null> {
    const file = await this.repo.getFileById(id);
    return file && (await this.access(actor, file)) === 'read' ? file : null;
  }

  private async access(actor: Actor, file: FileEntity): Promise<'read' | 'template-user' | 'none'> {
    if (can(actor, 'read', { type: 'file', ownerId: file.createdBy })) return 'read';
    const templates = await this.repo.templatesUsingFile(file.id);
    if (templates.some((t) => canOnTemplate(actor, 'update', t))) return 'read';
    return templates.some((t) => canOnTemplate(actor, 'read', t)) ? 'template-user' : 'none';
  }
}
