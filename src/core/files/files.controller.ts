import { Controller, Get, Headers, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import type { Actor } from '../rbac/actor.js';
import { FilesService } from './files.service.js';

export class UploadResponse {
  @ApiProperty({ format: 'uuid', description: 'The file id (Coder names this field `hash`).' })
  hash: string;
}

@ApiTags('Files')
@Controller('files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Post()
  @Authenticated()
  @ApiOperation({ summary: 'Upload a template source (tar, or JSON for echo templates); 200 if you uploaded the same bytes before' })
  @ApiConsumes('application/x-tar', 'application/json')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({ type: UploadResponse })
  @ApiOkResponse({ type: UploadResponse, description: 'The same content was uploaded before by the caller.' })
  @ApiErrors(400, 413)
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

  @Get(':fileID')
  @Authenticated()
  @ApiOperation({
    summary: 'Download a file (the uploader, owners, template admins, and those who may update a template imported from it; its other users get 403)',
  })
  @ApiParam({ name: 'fileID', format: 'uuid' })
  @ApiOkResponse({ description: 'The raw bytes, with the content type they were uploaded with.' })
  @ApiErrors(400, 403, 404)
  async get(@CurrentActor() actor: Actor, @Param('fileID') id: string, @Res() res: Response): Promise<void> {
    const file = await this.files.get(actor, id);
    res.status(200).type(file.mimetype).send(file.data);
  }
}
