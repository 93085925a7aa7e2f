import { Body, Controller, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor } from '../../core/access/access.decorators.js';
import { Resolved } from '../../core/access/resolved-params.js';
import type { GroupEntity } from '../../core/groups/entities/group.entity.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { Actor } from '../../core/rbac/actor.js';
import { GroupMembersResponse, GroupResponse, PatchGroupRequest } from './dto/group.dto.js';
import { EXCLUDE_MEMBERS_QUERY, GROUP_LIST_QUERY, MEMBER_PAGE_QUERY } from './groups.openapi.js';
import { GroupReadsService } from './group-reads.service.js';
import { GroupsService } from './groups.service.js';

/** `GET /groups`: Coder's current list across organizations, filtered by `organization`, `has_member`, `group_ids`. */
@ApiTags('Enterprise')
@RequireFeature('template_rbac')
@Controller('groups')
export class GroupListController {
  constructor(private readonly reads: GroupReadsService) {}

  @Route('GET', '', {
    summary: 'Get groups (those the caller may see), filtered by organization, member and ids',
    returns: [GroupResponse],
    errors: [400],
    query: GROUP_LIST_QUERY,
  })
  @Authenticated()
  list(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    return this.reads.list(actor, query);
  }
}

/** `/groups/{group}`: a group by id, or by name within the caller's organizations. */
@ApiTags('Enterprise')
@RequireFeature('template_rbac')
@Controller('groups/:group')
export class GroupsController {
  constructor(
    private readonly groups: GroupsService,
    private readonly reads: GroupReadsService,
  ) {}

  @Route('GET', '', {
    summary: 'Get group by ID (or by name within your organizations)',
    returns: GroupResponse,
    errors: [400, 404],
    query: EXCLUDE_MEMBERS_QUERY,
  })
  @Authenticated()
  get(@Resolved('group') group: GroupEntity, @Query() query: Record<string, unknown>) {
    return this.reads.get(group, query);
  }

  @Route('GET', 'members', {
    summary: "Get a page of a group's members",
    returns: GroupMembersResponse,
    errors: [400, 404],
    query: MEMBER_PAGE_QUERY,
  })
  @Authenticated()
  members(@Resolved('group') group: GroupEntity, @Query() query: Record<string, unknown>) {
    return this.reads.members(group, query);
  }

  @Route('PATCH', '', {
    summary: 'Update a group: name, display name, avatar, quota allowance, members',
    returns: GroupResponse,
    errors: [400, 403, 404, 409],
  })
  @Authenticated()
  patch(
    @CurrentActor() actor: Actor,
    @Resolved('group') group: GroupEntity,
    @Body() body: PatchGroupRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.groups.update(actor, group, body, meta);
  }

  @Route('DELETE', '', {
    summary: 'Delete a group; answers the deleted group',
    returns: GroupResponse,
    errors: [400, 403, 404],
  })
  @Authenticated()
  delete(@CurrentActor() actor: Actor, @Resolved('group') group: GroupEntity, @ReqMeta() meta: RequestMeta) {
    return this.groups.delete(actor, group, meta);
  }
}
