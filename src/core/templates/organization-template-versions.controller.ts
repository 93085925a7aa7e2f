import { Body, Controller, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import type { Actor } from '../rbac/actor.js';
import { CreateTemplateVersionRequest, TemplateVersionResponse } from './dto/template-version.dto.js';
import { TemplateVersionsService } from './template-versions.service.js';
import { VersionCreateGuard } from './version-create.guard.js';

@ApiTags('Templates')
@UseGuards(VersionCreateGuard)
@Controller('organizations/:organization/templateversions')
export class OrganizationTemplateVersionsController {
  constructor(private readonly versions: TemplateVersionsService) {}

  @Route('POST', '', {
    summary:
      'Create a template version: import an uploaded file with a provisioner (owner, template admin, organization admin; ' +
      "with `template_id`, also that template's ACL admins)",
    returns: TemplateVersionResponse,
    errors: [400, 403, 404, 409],
  })
  @Authenticated()
  create(
    @CurrentActor() actor: Actor,
    @Resolved('organization') org: OrganizationEntity,
    @Body() body: CreateTemplateVersionRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.versions.create(actor, org, body, meta);
  }
}
