import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, Authorize, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import type { Actor } from '../rbac/actor.js';
import { CreateTemplateRequest, TemplateResponse } from './dto/template.dto.js';
import type { TemplateEntity } from './entities/template.entity.js';
import { TemplateCreateService } from './template-create.service.js';
import { TemplatesService } from './templates.service.js';

@ApiTags('Templates')
@Controller('organizations/:organization/templates')
export class OrganizationTemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly creator: TemplateCreateService,
  ) {}

  @Route('POST', '', {
    summary: 'Create a template from a version not yet part of one (owner, template admin, organization admin)',
    returns: TemplateResponse,
    errors: [400, 404, 409],
  })
  @Authorize('template', 'create', { orgParam: 'organization' })
  create(
    @CurrentActor() actor: Actor,
    @Resolved('organization') org: OrganizationEntity,
    @Body() body: CreateTemplateRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.creator.create(actor, org, body, meta);
  }

  @Route('GET', '', {
    summary: 'The templates of an organization the caller may use or manage, most used first',
    returns: [TemplateResponse],
    errors: [400, 404],
  })
  @Authenticated()
  list(@CurrentActor() actor: Actor, @Resolved('organization') org: OrganizationEntity) {
    return this.templates.list(actor, org);
  }

  @Route('GET', ':templatename', {
    summary: 'Get a template by name (case-insensitive)',
    returns: TemplateResponse,
    errors: [400, 404],
  })
  @Authenticated()
  getByName(@Resolved('templatename') template: TemplateEntity) {
    return this.templates.get(template);
  }
}
