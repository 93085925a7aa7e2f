import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { badRequest, notFound } from '../../common/errors.js';
import { isUniqueViolation } from '../../database/pg-errors.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import { FileEntity } from './entities/file.entity.js';

/** Content types a template source may be uploaded as: Coder's tar, and JSON for echo templates. */
export const UPLOAD_TYPES = ['application/x-tar', 'application/json'] as const;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** `POST /files` and `GET /files/{id}`: template sources, deduplicated per uploader. */
@Injectable()
export class FilesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Stores the bytes (or finds the same bytes uploaded before by the same user); `created` tells which. */
  async upload(actor: Actor, contentType: string | undefined, data: Buffer): Promise<{ id: string; created: boolean }> {
    const type = (contentType ?? '').trim();
    if (!(UPLOAD_TYPES as readonly string[]).includes(type)) {
      throw badRequest(`Unsupported content type header ${JSON.stringify(type)}.`, `Use one of: ${UPLOAD_TYPES.join(', ')}.`);
    }
    const hash = createHash('sha256').update(data).digest('hex');
    const existing = await this.db.manager.findOneBy(FileEntity, { hash, createdBy: actor.id });
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
      await this.db.manager.insert(FileEntity, file);
      return { id: file.id, created: true };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // The same user uploaded the same bytes concurrently: answer with that file.
      const raced = await this.db.manager.findOneByOrFail(FileEntity, { hash, createdBy: actor.id });
      return { id: raced.id, created: false };
    }
  }

  /** The uploader, owners and template admins may read a file (Coder's rule); others get 404. */
  async get(actor: Actor, id: string): Promise<FileEntity> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      throw badRequest('File id must be a valid UUID.');
    }
    const file = await this.db.manager.findOneBy(FileEntity, { id: id.toLowerCase() });
    if (!file || !can(actor, 'read', { type: 'file', ownerId: file.createdBy })) throw notFound();
    return file;
  }

  /** For template versions: the file, if the actor may use it. */
  async getUsable(actor: Actor, id: string): Promise<FileEntity | null> {
    const file = await this.db.manager.findOneBy(FileEntity, { id });
    return file && can(actor, 'read', { type: 'file', ownerId: file.createdBy }) ? file : null;
  }
}
