import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authenticated, Authorize, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import type { Actor } from '../rbac/actor.js';
import {
  UpdatePasswordRequest,
  UpdateProfileRequest,
  UpdateRolesRequest,
  UserRolesResponse,
} from './dto/create-user.dto.js';
import { UserResponse } from './dto/user.dto.js';
import type { UserEntity } from './entities/user.entity.js';
import { UserProfileService } from './user-profile.service.js';
import { UserRolesService } from './user-roles.service.js';
import { UsersService } from './users.service.js';

/** `/users/{user}`: one user, its status, site roles, profile and password. */
@ApiTags('Users')
@Controller('users/:user')
export class UserController {
  constructor(
    private readonly users: UsersService,
    private readonly roles: UserRolesService,
    private readonly profile: UserProfileService,
  ) {}

  @Route('GET', '', { summary: 'Get a user', returns: UserResponse, errors: [404] })
  @Authenticated()
  get(@CurrentActor() actor: Actor, @Resolved('user') user: UserEntity) {
    return this.users.toResponse(actor, user);
  }

  @Route('DELETE', '', {
    summary: 'Delete a user (soft delete; sessions and tokens are revoked)',
    returns: ErrorResponseDto,
    errors: [404],
  })
  @Authorize('user', 'delete')
  delete(@CurrentActor() actor: Actor, @Resolved('user') user: UserEntity, @ReqMeta() meta: RequestMeta) {
    return this.users.delete(actor, user, meta);
  }

  @Route('PUT', 'status/suspend', { summary: 'Suspend a user', returns: UserResponse, errors: [400, 404] })
  @Authorize('user', 'update')
  suspend(@CurrentActor() actor: Actor, @Resolved('user') user: UserEntity, @ReqMeta() meta: RequestMeta) {
    return this.users.setStatus(actor, user, 'suspended', meta);
  }

  @Route('PUT', 'status/activate', { summary: 'Activate a user', returns: UserResponse, errors: [404] })
  @Authorize('user', 'update')
  activate(@CurrentActor() actor: Actor, @Resolved('user') user: UserEntity, @ReqMeta() meta: RequestMeta) {
    return this.users.setStatus(actor, user, 'active', meta);
  }

  @Route('PUT', 'roles', { summary: 'Set the site roles of a user', returns: UserResponse, errors: [400, 404] })
  @Authorize('assign_role', 'update')
  setRoles(
    @CurrentActor() actor: Actor,
    @Resolved('user') user: UserEntity,
    @Body() body: UpdateRolesRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.roles.setRoles(actor, user, body.roles, meta);
  }

  @Route('GET', 'roles', {
    summary: 'Site and organization roles of a user',
    returns: UserRolesResponse,
    errors: [404],
  })
  @Authenticated()
  getRoles(@Resolved('user') user: UserEntity) {
    return this.roles.getRoles(user);
  }

  @Route('PUT', 'profile', {
    summary: "Update a user's username, name and avatar URL",
    returns: UserResponse,
    errors: [400, 403, 404, 409],
  })
  @Authenticated()
  updateProfile(
    @CurrentActor() actor: Actor,
    @Resolved('user') user: UserEntity,
    @Body() body: UpdateProfileRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.profile.updateProfile(actor, user, body, meta);
  }

  @Route('PUT', 'password', {
    summary: "Change a user's password (revokes all of their sessions and tokens)",
    status: 204,
    errors: [400, 403, 404],
  })
  @Authenticated()
  updatePassword(
    @CurrentActor() actor: Actor,
    @Resolved('user') user: UserEntity,
    @Body() body: UpdatePasswordRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.profile.updatePassword(actor, user, body, meta);
  }
}
