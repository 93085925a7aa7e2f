import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Authenticated, Authorize, CurrentActor } from '../../core/access/access.decorators.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { Actor } from '../../core/rbac/actor.js';
import { CreateGroupRequest, GroupResponse, PatchGroupRequest } from './dto/group.dto.js';
import { GroupPatchService } from './group-patch.service.js';
import { GroupsService } from './groups.service.js';

const ORG_PARAM = { name: 'organization', format: 'uuid' };
const GROUP_PARAM = { name: 'group', description: 'Group ID, or a group name in one of your organizations' };

@ApiTags('Enterprise')
@RequireFeature('template_rbac')
@Controller('organizations/:organization/groups')
export class OrganizationGroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Get groups by organization (those the caller may see, Everyone included)' })
  @ApiParam(ORG_PARAM)
  @ApiOkResponse({ type: [GroupResponse] })
  @ApiErrors(400, 404)
  list(@CurrentActor() actor: Actor, @Param('organization') organization: string) {
    return this.groups.list(actor, organization);
  }

  @Post()
  @Authorize('group', 'create', { orgParam: 'organization' })
  @ApiOperation({ summary: 'Create group for organization (owner, user admin, organization admin)' })
  @ApiParam(ORG_PARAM)
  @ApiCreatedResponse({ type: GroupResponse })
  @ApiErrors(400, 409)
  create(
    @CurrentActor() actor: Actor,
    @Param('organization') organization: string,
    @Body() body: CreateGroupRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.groups.create(actor, organization, body, meta);
  }

  @Get(':groupName')
  @Authenticated()
  @ApiOperation({ summary: 'Get group by organization and group name' })
  @ApiParam(ORG_PARAM)
  @ApiParam({ name: 'groupName' })
  @ApiOkResponse({ type: GroupResponse })
  @ApiErrors(400, 404)
  getByName(@CurrentActor() actor: Actor, @Param('organization') organization: string, @Param('groupName') name: string) {
    return this.groups.getByName(actor, organization, name);
  }
}

@ApiTags('Enterprise')
@RequireFeature('template_rbac')
@Controller('groups')
export class GroupsController {
  constructor(
    private readonly groups: GroupsService,
    private readonly patcher: GroupPatchService,
  ) {}

  @Get(':group')
  @Authenticated()
  @ApiOperation({ summary: 'Get group by ID (or by name within your organizations)' })
  @ApiParam(GROUP_PARAM)
  @ApiOkResponse({ type: GroupResponse })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('group') group: string) {
    return this.groups.get(actor, group);
  }

  @Patch(':group')
  @Authenticated()
  @ApiOperation({ summary: 'Update a group: name, display name, avatar, quota allowance, members' })
  @ApiParam(GROUP_PARAM)
  @ApiOkResponse({ type: GroupResponse })
  @ApiErrors(400, 403, 404, 409)
  patch(@CurrentActor() actor: Actor, @Param('group') group: string, @Body() body: PatchGroupRequest, @ReqMeta() meta: RequestMeta) {
    return this.patcher.patch(actor, group, body, meta);
  }

  @Delete(':group')
  @Authenticated()
  @ApiOperation({ summary: 'Delete a group; answers the deleted group' })
  @ApiParam(GROUP_PARAM)
  @ApiOkResponse({ type: GroupResponse })
  @ApiErrors(400, 403, 404)
  delete(@CurrentActor() actor: Actor, @Param('group') group: string, @ReqMeta() meta: RequestMeta) {
    return this.groups.delete(actor, group, meta);
  }
}
