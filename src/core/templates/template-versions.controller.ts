import { Body, Controller, Get, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import { ProvisionerJobLogResponse, WorkspaceResourceResponse } from '../provisioning/dto/job.dto.js';
import type { Actor } from '../rbac/actor.js';
import { MessageResponse } from './dto/template.dto.js';
import { CreateTemplateVersionRequest, TemplateVersionResponse } from './dto/template-version.dto.js';
import { PatchTemplateVersionRequest } from './dto/update-template.dto.js';
import { TemplateVersionsService } from './template-versions.service.js';
import { VersionCreateGuard } from './version-create.guard.js';

const VERSION_PARAM = { name: 'templateversion', format: 'uuid' } as const;

@ApiTags('Templates')
@Controller()
export class TemplateVersionsController {
  constructor(private readonly versions: TemplateVersionsService) {}

  @Post('organizations/:organization/templateversions')
  @Authenticated()
  @UseGuards(VersionCreateGuard)
  @ApiOperation({
    summary:
      'Create a template version: import an uploaded file with a provisioner (owner, template admin, organization admin; ' +
      'with `template_id`, also that template\'s ACL admins)',
  })
  @ApiParam({ name: 'organization', format: 'uuid' })
  @ApiCreatedResponse({ type: TemplateVersionResponse })
  @ApiErrors(400, 403, 404, 409)
  create(
    @CurrentActor() actor: Actor,
    @Param('organization') organization: string,
    @Body() body: CreateTemplateVersionRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.versions.create(actor, organization, body, meta);
  }

  @Get('templateversions/:templateversion')
  @Authenticated()
  @ApiOperation({
    summary: 'Get a template version (readers of its template; while unattached, template managers of the organization and its creator)',
  })
  @ApiParam(VERSION_PARAM)
  @ApiOkResponse({ type: TemplateVersionResponse })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('templateversion') id: string) {
    return this.versions.get(actor, id);
  }

  @Patch('templateversions/:templateversion')
  @Authenticated()
  @ApiOperation({ summary: 'Rename a template version or change its message (those who may update its template)' })
  @ApiParam(VERSION_PARAM)
  @ApiOkResponse({ type: TemplateVersionResponse })
  @ApiErrors(400, 403, 404)
  rename(@CurrentActor() actor: Actor, @Param('templateversion') id: string, @Body() body: PatchTemplateVersionRequest) {
    return this.versions.rename(actor, id, body);
  }

  @Get('templateversions/:templateversion/resources')
  @Authenticated()
  @ApiOperation({ summary: 'Resources the import found, for the start and the stop transition (400 until the import completes)' })
  @ApiParam(VERSION_PARAM)
  @ApiOkResponse({ type: [WorkspaceResourceResponse] })
  @ApiErrors(400, 404)
  resources(@CurrentActor() actor: Actor, @Param('templateversion') id: string) {
    return this.versions.resources(actor, id);
  }

  @Get('templateversions/:templateversion/logs')
  @Authenticated()
  @ApiOperation({ summary: 'Logs of the import job, oldest first (`follow`: a WebSocket stream until the job completes)' })
  @ApiParam(VERSION_PARAM)
  @ApiQuery({ name: 'after', required: false, type: Number, description: 'Only logs with a greater id.' })
  @ApiQuery({ name: 'before', required: false, type: Number, description: 'Only logs with a smaller id.' })
  @ApiQuery({
    name: 'follow',
    required: false,
    allowEmptyValue: true,
    description: 'As a WebSocket upgrade: the logs after `after`, then each new one as it is written (one JSON log per text message); closed with 1000 when the job has completed. Without the upgrade: 400.',
  })
  @ApiOkResponse({ type: [ProvisionerJobLogResponse] })
  @ApiErrors(400, 404)
  logs(@CurrentActor() actor: Actor, @Param('templateversion') id: string, @Query() query: Record<string, unknown>) {
    return this.versions.logs(actor, id, query);
  }

  @Patch('templateversions/:templateversion/cancel')
  @Authenticated()
  @ApiOperation({ summary: 'Cancel the import job (those who may update the template)' })
  @ApiParam(VERSION_PARAM)
  @ApiOkResponse({ type: MessageResponse, description: '`{"message":"Job has been marked as canceled..."}`' })
  @ApiErrors(400, 403, 404)
  cancel(@CurrentActor() actor: Actor, @Param('templateversion') id: string) {
    return this.versions.cancel(actor, id);
  }
}
