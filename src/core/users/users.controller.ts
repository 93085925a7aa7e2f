import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authenticated, Authorize, CurrentActor, Public } from '../access/access.decorators.js';
import type { Actor } from '../rbac/actor.js';
import {
  AssignableRoleResponse,
  CreateFirstUserRequest,
  CreateFirstUserResponse,
  CreateUserRequest,
  UpdatePasswordRequest,
  UpdateProfileRequest,
  UpdateRolesRequest,
  UserRolesResponse,
} from './dto/create-user.dto.js';
import { UserResponse, UsersListResponse } from './dto/user.dto.js';
import { FirstUserService } from './first-user.service.js';
import { UserProfileService } from './user-profile.service.js';
import { UserRolesService } from './user-roles.service.js';
import { UsersService } from './users.service.js';

const USER_PARAM = { name: 'user', description: 'User ID, username, or `me`' };

@ApiTags('Users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly firstUser: FirstUserService,
    private readonly roles: UserRolesService,
    private readonly profile: UserProfileService,
  ) {}

  @Get('first')
  @Public()
  @ApiOperation({ summary: 'Check whether the initial user has been created' })
  @ApiOkResponse({ type: ErrorResponseDto, description: 'The initial user exists.' })
  @ApiErrors(404)
  firstUserStatus() {
    return this.firstUser.status();
  }

  @Post('first')
  @Public()
  @ApiOperation({ summary: 'Create the initial user (owner) and the default organization' })
  @ApiCreatedResponse({ type: CreateFirstUserResponse })
  @ApiErrors(400, 409)
  createFirstUser(@Body() body: CreateFirstUserRequest, @ReqMeta() meta: RequestMeta) {
    return this.firstUser.create(body, meta);
  }

  @Post()
  @Authorize('user', 'create', { message: 'You are not authorized to create users.' })
  @ApiOperation({ summary: 'Create a user' })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiErrors(400, 404, 409)
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserRequest, @ReqMeta() meta: RequestMeta) {
    return this.users.create(actor, body, meta);
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'List the users the caller can see' })
  @ApiQuery({ name: 'q', required: false, type: String, description: 'Search: words, `status:active`, `role:owner`, `last_seen_after:<RFC 3339>`' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Page size, at most 1000 (0 = 1000)' })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'after_id', required: false, type: String, format: 'uuid', description: 'Return users after this user id' })
  @ApiOkResponse({ type: UsersListResponse })
  @ApiErrors(400)
  list(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    return this.users.list(actor, query);
  }

  @Get('roles')
  @Authorize('assign_role', 'read')
  @ApiOperation({ summary: 'Site roles and whether the caller may assign each' })
  @ApiOkResponse({ type: [AssignableRoleResponse] })
  assignableRoles(@CurrentActor() actor: Actor) {
    return this.roles.assignableSiteRoles(actor);
  }

  @Get(':user')
  @Authenticated()
  @ApiOperation({ summary: 'Get a user' })
  @ApiParam(USER_PARAM)
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(404)
  get(@CurrentActor() actor: Actor, @Param('user') user: string) {
    return this.users.get(actor, user);
  }

  @Delete(':user')
  @Authorize('user', 'delete')
  @ApiOperation({ summary: 'Delete a user (soft delete; sessions and tokens are revoked)' })
  @ApiParam(USER_PARAM)
  @ApiOkResponse({ type: ErrorResponseDto })
  @ApiErrors(404)
  delete(@CurrentActor() actor: Actor, @Param('user') user: string, @ReqMeta() meta: RequestMeta) {
    return this.users.delete(actor, user, meta);
  }

  @Put(':user/status/suspend')
  @Authorize('user', 'update')
  @ApiOperation({ summary: 'Suspend a user' })
  @ApiParam(USER_PARAM)
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 404)
  suspend(@CurrentActor() actor: Actor, @Param('user') user: string, @ReqMeta() meta: RequestMeta) {
    return this.users.setStatus(actor, user, 'suspended', meta);
  }

  @Put(':user/status/activate')
  @Authorize('user', 'update')
  @ApiOperation({ summary: 'Activate a user' })
  @ApiParam(USER_PARAM)
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(404)
  activate(@CurrentActor() actor: Actor, @Param('user') user: string, @ReqMeta() meta: RequestMeta) {
    return this.users.setStatus(actor, user, 'active', meta);
  }

  @Put(':user/roles')
  @Authorize('assign_role', 'update')
  @ApiOperation({ summary: 'Set the site roles of a user' })
  @ApiParam(USER_PARAM)
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 404)
  setRoles(
    @CurrentActor() actor: Actor,
    @Param('user') user: string,
    @Body() body: UpdateRolesRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.roles.setRoles(actor, user, body.roles, meta);
  }

  @Get(':user/roles')
  @Authenticated()
  @ApiOperation({ summary: 'Site and organization roles of a user' })
  @ApiParam(USER_PARAM)
  @ApiOkResponse({ type: UserRolesResponse })
  @ApiErrors(404)
  getRoles(@CurrentActor() actor: Actor, @Param('user') user: string) {
    return this.roles.getRoles(actor, user);
  }

  @Put(':user/profile')
  @Authenticated()
  @ApiOperation({ summary: 'Update a user\'s username, name and avatar URL' })
  @ApiParam(USER_PARAM)
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 403, 404, 409)
  updateProfile(
    @CurrentActor() actor: Actor,
    @Param('user') user: string,
    @Body() body: UpdateProfileRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.profile.updateProfile(actor, user, body, meta);
  }

  @Put(':user/password')
  @Authenticated()
  @HttpCode(204)
  @ApiOperation({ summary: 'Change a user\'s password (revokes all of their sessions and tokens)' })
  @ApiParam(USER_PARAM)
  @ApiNoContentResponse()
  @ApiErrors(400, 403, 404)
  updatePassword(
    @CurrentActor() actor: Actor,
    @Param('user') user: string,
    @Body() body: UpdatePasswordRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.profile.updatePassword(actor, user, body, meta);
  }
}
