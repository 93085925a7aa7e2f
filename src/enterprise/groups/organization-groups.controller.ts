import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, Authorize, CurrentActor } from '../../core/access/access.decorators.js';
import { Resolved } from '../../core/access/resolved-params.js';
import type { GroupEntity } from '../../core/groups/entities/group.entity.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import type { Actor } from '../../core/rbac/actor.js';
import { CreateGroupRequest, GroupResponse } from './dto/group.dto.js';
import { GroupsService } from './groups.service.js';

/** `/organizations/{organization}/groups…`: an organization's groups, and a group by name. */
@ApiTags('Enterprise')
@RequireFeature('template_rbac')
@Controller('organizations/:organization/groups')
export class OrganizationGroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Route('GET', '', {
    summary: 'Get groups by organization (those the caller may see, Everyone included)',
    returns: [GroupResponse],
    errors: [400, 404],
  })
  @Authenticated()
  list(@CurrentActor() actor: Actor, @Resolved('organization') org: OrganizationEntity) {
    return this.groups.list(actor, org);
  }

  @Route('POST', '', {
    summary: 'Create group for organization (owner, user admin, organization admin)',
    returns: GroupResponse,
    errors: [400, 409],
  })
  @Authorize('group', 'create', { orgParam: 'organization' })
  create(
    @CurrentActor() actor: Actor,
    @Resolved('organization') org: OrganizationEntity,
    @Body() body: CreateGroupRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.groups.create(actor, org, body, meta);
  }

  @Route('GET', ':groupName', {
    summary: 'Get group by organization and group name',
    returns: GroupResponse,
    errors: [400, 404],
  })
  @Authenticated()
  getByName(@Resolved('groupName') group: GroupEntity) {
    return this.groups.get(group);
  }
}
