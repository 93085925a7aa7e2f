import { Controller, Headers, Req, Res } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import type { Actor } from '../rbac/actor.js';
import { FilesService, type VisibleFile } from './files.service.js';

export class UploadResponse {
  @ApiProperty({ format: 'uuid', description: 'The file id (Coder names this field `hash`).' })
  hash: string;
}

@ApiTags('Files')
@Controller('files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Route('POST', '', {
    summary: 'Upload a template source (tar, or JSON for echo templates); 200 if you uploaded the same bytes before',
    consumes: ['application/x-tar', 'application/json'],
    body: { schema: { type: 'string', format: 'binary' } },
    returns: UploadResponse,
    responses: [
      { status: 200, type: UploadResponse, description: 'The same content was uploaded before by the caller.' },
    ],
    errors: [400, 413],
  })
  @Authenticated()
  async upload(
    @CurrentActor() actor: Actor,
    @Headers('content-type') contentType: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UploadResponse> {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const { id, created } = await this.files.upload(actor, contentType, body);
    res.status(created ? 201 : 200);
    return { hash: id };
  }

  @Route('GET', ':fileID', {
    summary:
      'Download a file (the uploader, owners, template admins, and those who may update a template imported from it; its other users get 403)',
    responses: [{ status: 200, description: 'The raw bytes, with the content type they were uploaded with.' }],
    errors: [400, 403, 404],
  })
  @Authenticated()
  get(@Resolved('fileID') visible: VisibleFile, @Res() res: Response): void {
    const file = this.files.download(visible);
    res.status(200).type(file.mimetype).send(file.data);
  }
}
