import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authorize, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import type { Actor } from '../rbac/actor.js';
import { AssignableRoleResponse } from '../users/dto/create-user.dto.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import {
  OrganizationMemberResponse,
  OrganizationMemberWithNameResponse,
  UpdateMemberRolesRequest,
} from './dto/member.dto.js';
import { MembersService } from './members.service.js';

@ApiTags('Members')
@Controller('organizations/:organization/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Route('GET', '', {
    summary: 'List the members of an organization',
    returns: [OrganizationMemberWithNameResponse],
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
