import { Body, Controller, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, Authorize, CurrentActor } from '../../core/access/access.decorators.js';
import { Resolved } from '../../core/access/resolved-params.js';
import type { GroupEntity } from '../../core/groups/entities/group.entity.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import type { Actor } from '../../core/rbac/actor.js';
import { CreateGroupRequest, GroupMembersResponse, GroupResponse } from './dto/group.dto.js';
import { GroupReadsService } from './group-reads.service.js';
import { EXCLUDE_MEMBERS_QUERY, MEMBER_PAGE_QUERY, ORGANIZATION_GROUP_LIST_QUERY } from './groups.openapi.js';
import { GroupsService } from './groups.service.js';

/** `/organizations/{organization}/groups…`: an organization's groups, and a group by name. */
@ApiTags('Enterprise')
@RequireFeature('template_rbac')
@Controller('organizations/:organization/groups')
export class OrganizationGroupsController {
  constructor(
    private readonly groups: GroupsService,
    private readonly reads: GroupReadsService,
  ) {}

  @Route('GET', '', {
    summary: 'Get groups by organization (those the caller may see, Everyone included)',
    returns: [GroupResponse],
    errors: [400, 404],
    query: ORGANIZATION_GROUP_LIST_QUERY,
  })
  @Authenticated()
  list(
    @CurrentActor() actor: Actor,
    @Resolved('organization') org: OrganizationEntity,
    @Query() query: Record<string, unknown>,
  ) {
    return this.reads.list(actor, query, org);
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
    query: EXCLUDE_MEMBERS_QUERY,
  })
  @Authenticated()
  getByName(@Resolved('groupName') group: GroupEntity, @Query() query: Record<string, unknown>) {
    return this.reads.get(group, query);
  }

  @Route('GET', ':groupName/members', {
    summary: "Get a page of a group's members, by organization and group name",
    returns: GroupMembersResponse,
    errors: [400, 404],
    query: MEMBER_PAGE_QUERY,
  })
  @Authenticated()
  membersByName(@Resolved('groupName') group: GroupEntity, @Query() query: Record<string, unknown>) {
    return this.reads.members(group, query);
  }
}
