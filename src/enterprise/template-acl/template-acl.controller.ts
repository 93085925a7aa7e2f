import { Body, Controller, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authenticated, CurrentActor } from '../../core/access/access.decorators.js';
import { Resolved } from '../../core/access/resolved-params.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { Actor } from '../../core/rbac/actor.js';
import type { TemplateEntity } from '../../core/templates/entities/template.entity.js';
import { AclAvailableResponse, TemplateAclResponse, UpdateTemplateAclRequest } from './dto/template-acl.dto.js';
import { TemplateAclService } from './template-acl.service.js';

@ApiTags('Enterprise')
@RequireFeature('template_rbac')
@Controller('templates/:template/acl')
export class TemplateAclController {
  constructor(private readonly acl: TemplateAclService) {}

  @Route('GET', '', {
    summary: 'Get template ACLs (an object: users and groups with their roles)',
    returns: TemplateAclResponse,
    errors: [400, 404],
  })
  @Authenticated()
  get(@CurrentActor() actor: Actor, @Resolved('template') template: TemplateEntity) {
    return this.acl.get(actor, template);
  }

  @Route('GET', 'available', {
    summary: 'Users and groups that can be added to the template ACL (those who may update the template; others 404)',
    query: [
      { name: 'q', required: false, description: 'User search, as `GET /users` (`alice status:active role:owner …`).' },
      { name: 'limit', required: false, type: Number, description: '1–1000; 0 or absent = 1000 (users only).' },
      { name: 'offset', required: false, type: Number },
      { name: 'after_id', required: false, type: String, format: 'uuid' },
    ],
    returns: AclAvailableResponse,
    errors: [400, 404],
  })
  @Authenticated()
  available(
    @CurrentActor() actor: Actor,
    @Resolved('template') template: TemplateEntity,
    @Query() query: Record<string, unknown>,
  ) {
    return this.acl.available(actor, template, query);
  }

  @Route('PATCH', '', {
    summary: 'Update template ACL (merge; "" removes an entry)',
    responses: [
      { status: 200, type: ErrorResponseDto, description: '`{"message":"Successfully updated template ACL list."}`' },
    ],
    errors: [400, 403, 404],
  })
  @Authenticated()
  update(
    @CurrentActor() actor: Actor,
    @Resolved('template') template: TemplateEntity,
    @Body() body: UpdateTemplateAclRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.acl.update(actor, template, body, meta);
  }
}
