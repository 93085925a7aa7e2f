import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Authorize, CurrentActor } from '../access/access.decorators.js';
import type { Actor } from '../rbac/actor.js';
import { AssignableRoleResponse } from '../users/dto/create-user.dto.js';
import {
  OrganizationMemberResponse,
  OrganizationMemberWithNameResponse,
  UpdateMemberRolesRequest,
} from './dto/member.dto.js';
import { MembersService } from './members.service.js';

const ORG_PARAM = { name: 'organization', format: 'uuid' };
const USER_PARAM = { name: 'user', description: 'User ID, username, or `me`' };

@ApiTags('Members')
@Controller('organizations/:organization/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Authorize('organization_member', 'read', { orgParam: 'organization' })
  @ApiOperation({ summary: 'List the members of an organization' })
  @ApiParam(ORG_PARAM)
  @ApiOkResponse({ type: [OrganizationMemberWithNameResponse] })
  @ApiErrors(400, 404)
  list(@CurrentActor() actor: Actor, @Param('organization') organization: string) {
    return this.members.list(actor, organization);
  }

  @Get('roles')
  @Authorize('assign_org_role', 'read', { orgParam: 'organization' })
  @ApiOperation({ summary: 'Organization roles and whether the caller may assign each' })
  @ApiParam(ORG_PARAM)
  @ApiOkResponse({ type: [AssignableRoleResponse] })
  @ApiErrors(400, 404)
  roles(@CurrentActor() actor: Actor, @Param('organization') organization: string) {
    return this.members.assignableRoles(actor, organization);
  }

  @Post(':user')
  @HttpCode(200)
  @Authorize('organization_member', 'create', { orgParam: 'organization' })
  @ApiOperation({ summary: 'Add a user to an organization' })
  @ApiParam(ORG_PARAM)
  @ApiParam(USER_PARAM)
  @ApiOkResponse({ type: OrganizationMemberResponse })
  @ApiErrors(400, 404, 409)
  add(
    @CurrentActor() actor: Actor,
    @Param('organization') organization: string,
    @Param('user') user: string,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.members.add(actor, organization, user, meta);
  }

  @Delete(':user')
  @HttpCode(204)
  @Authorize('organization_member', 'delete', { orgParam: 'organization' })
  @ApiOperation({ summary: 'Remove a user from an organization' })
  @ApiParam(ORG_PARAM)
  @ApiParam(USER_PARAM)
  @ApiNoContentResponse()
  @ApiErrors(400, 404)
  remove(
    @CurrentActor() actor: Actor,
    @Param('organization') organization: string,
    @Param('user') user: string,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.members.remove(actor, organization, user, meta);
  }

  @Put(':user/roles')
  @Authorize('assign_org_role', 'update', { orgParam: 'organization' })
  @ApiOperation({ summary: 'Set the organization roles of a member' })
  @ApiParam(ORG_PARAM)
  @ApiParam(USER_PARAM)
  @ApiOkResponse({ type: OrganizationMemberResponse })
  @ApiErrors(400, 404)
  setRoles(
    @CurrentActor() actor: Actor,
    @Param('organization') organization: string,
    @Param('user') user: string,
    @Body() body: UpdateMemberRolesRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.members.setRoles(actor, organization, user, body.roles, meta);
  }
}
