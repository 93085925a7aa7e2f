import { Injectable, type OnModuleInit } from '@nestjs/common';
import { isUuid, notFound } from '../../common/errors.js';
import { ParamResolvers, type ParamResolver } from '../access/resolved-params.js';
import type { Actor } from '../rbac/actor.js';
import { badFileId } from './files.errors.js';
import { FilesService, type VisibleFile } from './files.service.js';

/** `{fileID}`: 400 when not a UUID, 404 when missing or not visible to the caller. */
@Injectable()
export class FileParamResolver implements ParamResolver<VisibleFile>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly files: FilesService,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('fileID', this);
  }

  async resolve(value: string, actor: Actor | undefined): Promise<VisibleFile> {
    if (!isUuid(value)) throw badFileId();
    const visible = actor ? await this.files.findVisible(actor, value.toLowerCase()) : null;
    if (!visible) throw notFound();
    return visible;
  }
}
