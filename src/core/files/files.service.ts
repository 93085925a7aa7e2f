import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { badRequest, forbidden, notFound } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import { canOnTemplate } from '../rbac/template-access.js';
import { FileEntity } from './entities/file.entity.js';
import { FilesRepository } from './files.repository.js';

/** Content types a template source may be uploaded as: Coder's tar, and JSON for echo templates. */
export const UPLOAD_TYPES = ['application/x-tar', 'application/json'] as const;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** `POST /files` and `GET /files/{id}`: template sources, deduplicated per uploader. */
@Injectable()
export class FilesService {
  constructor(private readonly repo: FilesRepository) {}

  /** Stores the bytes (or finds the same bytes uploaded before by the same user); `created` tells which. */
  async upload(actor: Actor, contentType: string | undefined, data: Buffer): Promise<{ id: string; created: boolean }> {
    const type = (contentType ?? '').trim();
    if (!(UPLOAD_TYPES as readonly string[]).includes(type)) {
      throw badRequest(`Unsupported content type header ${JSON.stringify(type)}.`, `Use one of: ${UPLOAD_TYPES.join(', ')}.`);
    }
    const hash = createHash('sha256').update(data).digest('hex');
    const existing = await this.repo.getFileByHashAndCreator(hash, actor.id);
    if (existing) return { id: existing.id, created: false };
    const file = Object.assign(new FileEntity(), {
      id: randomUUID(),
      hash,
      createdAt: new Date(),
      createdBy: actor.id,
      mimetype: type,
      data,
    });
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
   * Who may read a file: its uploader, owners and template admins (Coder's rule), and whoever may
   * update a template with a version imported from it (a template ACL `admin`, an organization
   * admin). Someone who only uses such a template gets 403; anyone else 404.
   */
  async get(actor: Actor, id: string): Promise<FileEntity> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      throw badRequest('File id must be a valid UUID.');
    }
    const file = await this.repo.getFileById(id.toLowerCase());
    const access = file ? await this.access(actor, file) : 'none';
    if (access === 'read') return file!;
    throw access === 'template-user' ? forbidden() : notFound();
  }

  /** For template versions: the file, if the actor may read it (the same rule as `get`), or null. */
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
