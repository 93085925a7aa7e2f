import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Authenticated, Authorize, CurrentActor } from '../access/access.decorators.js';
import type { Actor } from '../rbac/actor.js';
import { CreateOrganizationRequest, OrganizationResponse } from './dto/organization.dto.js';
import { OrganizationsService } from './organizations.service.js';

@ApiTags('Organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly orgs: OrganizationsService) {}

  @Post()
  @Authorize('organization', 'create')
  @ApiOperation({ summary: 'Create an organization (the caller becomes a member)' })
  @ApiCreatedResponse({ type: OrganizationResponse })
  @ApiErrors(400, 409)
  create(@CurrentActor() actor: Actor, @Body() body: CreateOrganizationRequest, @ReqMeta() meta: RequestMeta) {
    return this.orgs.create(actor, body, meta);
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'List the organizations the caller can see' })
  @ApiOkResponse({ type: [OrganizationResponse] })
  list(@CurrentActor() actor: Actor) {
    return this.orgs.list(actor);
  }

  @Get(':organization')
  @Authenticated()
  @ApiOperation({ summary: 'Get an organization' })
  @ApiParam({ name: 'organization', format: 'uuid' })
  @ApiOkResponse({ type: OrganizationResponse })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('organization') organization: string) {
    return this.orgs.get(actor, organization);
  }
}
