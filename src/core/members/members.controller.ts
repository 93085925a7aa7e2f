import { Body, Controller, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authorize, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import type { Actor } from '../rbac/actor.js';
import { AssignableRoleResponse } from '../rbac/dto/role.dto.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import {
  OrganizationMemberResponse,
  OrganizationMemberWithUserDataResponse,
  PaginatedMembersResponse,
  UpdateMemberRolesRequest,
} from './dto/member.dto.js';
import { MembersService } from './members.service.js';

@ApiTags('Members')
@Controller('organizations/:organization/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Route('GET', '', {
    summary: 'List the members of an organization (deprecated in Coder for paginated-members)',
    returns: [OrganizationMemberWithUserDataResponse],
    errors: [400, 404],
  })
  @Authorize('organization_member', 'read', { orgParam: 'organization' })
  list(@Resolved('organization') org: OrganizationEntity) {
    return this.members.list(org);
  }

  @Route('GET', 'roles', {
    summary: 'Organization roles and whether the caller may assign each',
    returns: [AssignableRoleResponse],
    errors: [400, 404],
  })
  @Authorize('assign_org_role', 'read', { orgParam: 'organization' })
  roles(@CurrentActor() actor: Actor, @Resolved('organization') org: OrganizationEntity) {
    return this.members.assignableRoles(actor, org);
  }

  @Route('POST', ':user', {
    summary: 'Add a user to an organization',
    status: 200,
    returns: OrganizationMemberResponse,
    errors: [400, 404, 409],
  })
  @Authorize('organization_member', 'create', { orgParam: 'organization' })
  add(
    @CurrentActor() actor: Actor,
    @Resolved('organization') org: OrganizationEntity,
    @Resolved('user') user: UserEntity,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.members.add(actor, org, user, meta);
  }

  @Route('DELETE', ':user', { summary: 'Remove a user from an organization', status: 204, errors: [400, 404] })
  @Authorize('organization_member', 'delete', { orgParam: 'organization' })
  remove(
    @CurrentActor() actor: Actor,
    @Resolved('organization') org: OrganizationEntity,
    @Resolved('user') user: UserEntity,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.members.remove(actor, org, user, meta);
  }

  @Route('PUT', ':user/roles', {
    summary: 'Set the organization roles of a member',
    returns: OrganizationMemberResponse,
    errors: [400, 404],
  })
  @Authorize('assign_org_role', 'update', { orgParam: 'organization' })
  setRoles(
    @CurrentActor() actor: Actor,
    @Resolved('organization') org: OrganizationEntity,
    @Resolved('user') user: UserEntity,
    @Body() body: UpdateMemberRolesRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.members.setRoles(actor, org, user, body.roles, meta);
  }
}

const MEMBER_Q_HELP =
  "`GET /users`' search syntax: bare words match usernames and emails; `status:`, `role:`, " +
  '`last_seen_after:`, `last_seen_before:`, `created_after:`, `created_before:`. Invalid: 400 `Invalid member search query.`';

@ApiTags('Members')
@Controller('organizations/:organization/paginated-members')
export class PaginatedMembersController {
  constructor(private readonly members: MembersService) {}

  @Route('GET', '', {
    summary: 'A page of the members of an organization, with the total',
    returns: PaginatedMembersResponse,
    query: [
      { name: 'q', type: String, required: false, description: MEMBER_Q_HELP, example: 'status:active' },
      { name: 'after_id', type: String, required: false, description: 'Members after this user id (by username)' },
      { name: 'limit', type: Number, required: false, description: 'Page size, at most 1000 (0 or absent = 1000)' },
      { name: 'offset', type: Number, required: false },
    ],
    errors: [400, 404],
  })
  @Authorize('organization_member', 'read', { orgParam: 'organization' })
  list(@Resolved('organization') org: OrganizationEntity, @Query() query: Record<string, unknown>) {
    return this.members.listPage(org, query);
  }
}
