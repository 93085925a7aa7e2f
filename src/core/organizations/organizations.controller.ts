import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, Authorize, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import type { Actor } from '../rbac/actor.js';
import { CreateOrganizationRequest, OrganizationResponse, toOrganizationResponse } from './dto/organization.dto.js';
import type { OrganizationEntity } from './entities/organization.entity.js';
import { OrganizationsService } from './organizations.service.js';

@ApiTags('Organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly orgs: OrganizationsService) {}

  @Route('POST', '', {
    summary: 'Create an organization (the caller becomes a member)',
    returns: OrganizationResponse,
    errors: [400, 409],
  })
  @Authorize('organization', 'create')
  create(@CurrentActor() actor: Actor, @Body() body: CreateOrganizationRequest, @ReqMeta() meta: RequestMeta) {
    return this.orgs.create(actor, body, meta);
  }

  @Route('GET', '', { summary: 'List the organizations the caller can see', returns: [OrganizationResponse] })
  @Authenticated()
  list(@CurrentActor() actor: Actor) {
    return this.orgs.list(actor);
  }

  @Route('GET', ':organization', { summary: 'Get an organization', returns: OrganizationResponse, errors: [400, 404] })
  @Authenticated()
  get(@Resolved('organization') org: OrganizationEntity) {
    return toOrganizationResponse(org);
  }
}
