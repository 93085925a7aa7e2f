import { Body, Controller, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authenticated, Authorize, CurrentActor, Public } from '../access/access.decorators.js';
import type { Actor } from '../rbac/actor.js';
import {
  AssignableRoleResponse,
  CreateFirstUserRequest,
  CreateFirstUserResponse,
  CreateUserRequest,
} from './dto/create-user.dto.js';
import { UserResponse, UsersListResponse } from './dto/user.dto.js';
import { FirstUserService } from './first-user.service.js';
import { UserCreateService } from './user-create.service.js';
import { UserRolesService } from './user-roles.service.js';
import { UsersService } from './users.service.js';

/** `/users`: the collection, first-user setup and the site roles. `/users/{user}` is user.controller.ts. */
@ApiTags('Users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly creator: UserCreateService,
    private readonly firstUser: FirstUserService,
    private readonly roles: UserRolesService,
  ) {}

  @Route('GET', 'first', {
    summary: 'Check whether the initial user has been created',
    returns: ErrorResponseDto,
    returnsDescription: 'The initial user exists.',
    errors: [404],
  })
  @Public()
  firstUserStatus() {
    return this.firstUser.status();
  }

  @Route('POST', 'first', {
    summary: 'Create the initial user (owner) and the default organization',
    returns: CreateFirstUserResponse,
    errors: [400, 409],
  })
  @Public()
  createFirstUser(@Body() body: CreateFirstUserRequest, @ReqMeta() meta: RequestMeta) {
    return this.firstUser.create(body, meta);
  }

  @Route('POST', '', { summary: 'Create a user', returns: UserResponse, errors: [400, 404, 409] })
  @Authorize('user', 'create', { message: 'You are not authorized to create users.' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserRequest, @ReqMeta() meta: RequestMeta) {
    return this.creator.create(actor, body, meta);
  }

  @Route('GET', '', {
    summary: 'List the users the caller can see',
    returns: UsersListResponse,
    errors: [400],
    query: [
      {
        name: 'q',
        required: false,
        type: String,
        description: 'Search: words, `status:active`, `role:owner`, `last_seen_after:<RFC 3339>`',
      },
      { name: 'limit', required: false, type: Number, description: 'Page size, at most 1000 (0 = 1000)' },
      { name: 'offset', required: false, type: Number },
      {
        name: 'after_id',
        required: false,
        type: String,
        format: 'uuid',
        description: 'Return users after this user id',
      },
    ],
  })
  @Authenticated()
  list(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    return this.users.list(actor, query);
  }

  @Route('GET', 'roles', {
    summary: 'Site roles and whether the caller may assign each',
    returns: [AssignableRoleResponse],
  })
  @Authorize('assign_role', 'read')
  assignableRoles(@CurrentActor() actor: Actor) {
    return this.roles.assignableSiteRoles(actor);
  }
}
