import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Authenticated, Authorize, CurrentActor } from '../access/access.decorators.js';
import type { Actor } from '../rbac/actor.js';
import { CreateTemplateRequest, MessageResponse, TemplateResponse } from './dto/template.dto.js';
import { TemplateVersionResponse } from './dto/template-version.dto.js';
import { UpdateActiveTemplateVersionRequest, UpdateTemplateMetaRequest } from './dto/update-template.dto.js';
import { TemplateCreateService } from './template-create.service.js';
import { TemplateUpdateService } from './template-update.service.js';
import { TemplatesService } from './templates.service.js';

const ORG_PARAM = { name: 'organization', format: 'uuid' } as const;
const TEMPLATE_PARAM = { name: 'template', format: 'uuid' } as const;

@ApiTags('Templates')
@Controller()
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly creator: TemplateCreateService,
    private readonly updater: TemplateUpdateService,
  ) {}

  @Post('organizations/:organization/templates')
  @Authorize('template', 'create', { orgParam: 'organization' })
  @ApiOperation({ summary: 'Create a template from a version not yet part of one (owner, template admin, organization admin)' })
  @ApiParam(ORG_PARAM)
  @ApiCreatedResponse({ type: TemplateResponse })
  @ApiErrors(400, 404, 409)
  create(@CurrentActor() actor: Actor, @Param('organization') org: string, @Body() body: CreateTemplateRequest, @ReqMeta() meta: RequestMeta) {
    return this.creator.create(actor, org, body, meta);
  }

  @Get('organizations/:organization/templates')
  @Authenticated()
  @ApiOperation({ summary: 'The templates of an organization the caller may use or manage, most used first' })
  @ApiParam(ORG_PARAM)
  @ApiOkResponse({ type: [TemplateResponse] })
  @ApiErrors(400, 404)
  list(@CurrentActor() actor: Actor, @Param('organization') org: string) {
    return this.templates.list(actor, org);
  }

  @Get('organizations/:organization/templates/:templatename')
  @Authenticated()
  @ApiOperation({ summary: 'Get a template by name (case-insensitive)' })
  @ApiParam(ORG_PARAM)
  @ApiParam({ name: 'templatename' })
  @ApiOkResponse({ type: TemplateResponse })
  @ApiErrors(400, 404)
  getByName(@CurrentActor() actor: Actor, @Param('organization') org: string, @Param('templatename') name: string) {
    return this.templates.getByName(actor, org, name);
  }

  @Get('templates/:template')
  @Authenticated()
  @ApiOperation({ summary: 'Get a template' })
  @ApiParam(TEMPLATE_PARAM)
  @ApiOkResponse({ type: TemplateResponse })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('template') id: string) {
    return this.templates.get(actor, id);
  }

  @Patch('templates/:template')
  @Authenticated()
  @ApiOperation({
    summary:
      'Update template settings: only the fields sent change (owner, template admin, organization admin, template ACL admin); 200 with the template, also when nothing changed',
  })
  @ApiParam(TEMPLATE_PARAM)
  @ApiOkResponse({ type: TemplateResponse })
  @ApiErrors(400, 403, 404, 409)
  update(@CurrentActor() actor: Actor, @Param('template') id: string, @Body() body: UpdateTemplateMetaRequest, @ReqMeta() meta: RequestMeta) {
    return this.updater.updateMeta(actor, id, body, meta);
  }

  @Patch('templates/:template/versions')
  @Authenticated()
  @ApiOperation({ summary: 'Make a version of the template (whose import succeeded) its active version (those who may update the template)' })
  @ApiParam(TEMPLATE_PARAM)
  @ApiOkResponse({ type: MessageResponse, description: '`{"message":"Updated the active template version!"}`' })
  @ApiErrors(400, 403, 404)
  activate(
    @CurrentActor() actor: Actor,
    @Param('template') id: string,
    @Body() body: UpdateActiveTemplateVersionRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.updater.activateVersion(actor, id, body, meta);
  }

  @Delete('templates/:template')
  @Authenticated()
  @ApiOperation({ summary: 'Delete a template without live workspaces (soft delete; its name becomes free)' })
  @ApiParam(TEMPLATE_PARAM)
  @ApiOkResponse({ type: MessageResponse })
  @ApiErrors(400, 403, 404)
  delete(@CurrentActor() actor: Actor, @Param('template') id: string, @ReqMeta() meta: RequestMeta) {
    return this.templates.delete(actor, id, meta);
  }

  @Get('templates/:template/versions')
  @Authenticated()
  @ApiOperation({ summary: 'The versions of a template, oldest first' })
  @ApiParam(TEMPLATE_PARAM)
  @ApiQuery({ name: 'after_id', required: false, type: String, format: 'uuid' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1–1000; 0 or absent = 1000.' })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiOkResponse({ type: [TemplateVersionResponse] })
  @ApiErrors(400, 404)
  versions(@CurrentActor() actor: Actor, @Param('template') id: string, @Query() query: Record<string, unknown>) {
    return this.templates.listVersions(actor, id, query);
  }
}
