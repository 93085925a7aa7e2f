import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Authenticated, Authorize, CurrentActor } from '../auth/access.decorators.js';
import { ProvisionerJobLogResponse, WorkspaceResourceResponse } from '../provisioning/dto/job.dto.js';
import type { Actor } from '../rbac/actor.js';
import { MessageResponse } from './dto/template.dto.js';
import { CreateTemplateVersionRequest, TemplateVersionResponse } from './dto/template-version.dto.js';
import { TemplateVersionsService } from './template-versions.service.js';

const VERSION_PARAM = { name: 'templateversion', format: 'uuid' } as const;

@ApiTags('Templates')
@Controller()
export class TemplateVersionsController {
  constructor(private readonly versions: TemplateVersionsService) {}

  @Post('organizations/:organization/templateversions')
  @Authorize('template', 'create', { orgParam: 'organization' })
  @ApiOperation({ summary: 'Create a template version: import an uploaded file with a provisioner (owner, template admin, organization admin)' })
  @ApiParam({ name: 'organization', format: 'uuid' })
  @ApiCreatedResponse({ type: TemplateVersionResponse })
  @ApiErrors(400, 404, 409)
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
  @ApiOperation({ summary: 'Logs of the import job, oldest first (`follow` is not supported: poll with `after`)' })
  @ApiParam(VERSION_PARAM)
  @ApiQuery({ name: 'after', required: false, type: Number, description: 'Only logs with a greater id.' })
  @ApiQuery({ name: 'before', required: false, type: Number, description: 'Only logs with a smaller id.' })
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
