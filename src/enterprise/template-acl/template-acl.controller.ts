import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authenticated, CurrentActor } from '../../core/access/access.decorators.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { Actor } from '../../core/rbac/actor.js';
import { AclAvailableResponse, TemplateAclResponse, UpdateTemplateAclRequest } from './dto/template-acl.dto.js';
import { TemplateAclService } from './template-acl.service.js';

const TEMPLATE_PARAM = { name: 'template', format: 'uuid' };

@ApiTags('Enterprise')
@RequireFeature('template_rbac')
@Controller('templates/:template/acl')
export class TemplateAclController {
  constructor(private readonly acl: TemplateAclService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Get template ACLs (an object: users and groups with their roles)' })
  @ApiParam(TEMPLATE_PARAM)
  @ApiOkResponse({ type: TemplateAclResponse })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('template') template: string) {
    return this.acl.get(actor, template);
  }

  @Get('available')
  @Authenticated()
  @ApiOperation({
    summary: 'Users and groups that can be added to the template ACL (those who may update the template; others 404)',
  })
  @ApiParam(TEMPLATE_PARAM)
  @ApiQuery({ name: 'q', required: false, description: 'User search, as `GET /users` (`alice status:active role:owner …`).' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1–1000; 0 or absent = 1000 (users only).' })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'after_id', required: false, type: String, format: 'uuid' })
  @ApiOkResponse({ type: AclAvailableResponse })
  @ApiErrors(400, 404)
  available(@CurrentActor() actor: Actor, @Param('template') template: string, @Query() query: Record<string, unknown>) {
    return this.acl.available(actor, template, query);
  }

  @Patch()
  @Authenticated()
  @ApiOperation({ summary: 'Update template ACL (merge; "" removes an entry)' })
  @ApiParam(TEMPLATE_PARAM)
  @ApiOkResponse({ type: ErrorResponseDto, description: '`{"message":"Successfully updated template ACL list."}`' })
  @ApiErrors(400, 403, 404)
  update(
    @CurrentActor() actor: Actor,
    @Param('template') template: string,
    @Body() body: UpdateTemplateAclRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.acl.update(actor, template, body, meta);
  }
}
