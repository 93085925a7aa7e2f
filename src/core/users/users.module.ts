import { Module } from '@nestjs/common';
import { AccessModule } from '../access/resolved-params.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { DormancyService } from './dormancy.service.js';
import { FirstUserService } from './first-user.service.js';
import { UserController } from './user.controller.js';
import { UserCreateService } from './user-create.service.js';
import { UserProfileService } from './user-profile.service.js';
import { UserRolesService } from './user-roles.service.js';
import { UsersController } from './users.controller.js';
import { UserParamResolver } from './users.params.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';
import { AuditModule } from '../audit/audit.module.js';

/** `/users` and `/users/{user}`, and the `{user}` path parameter of every route. */
@Module({
  imports: [AuditModule, AccessModule, OrganizationsModule, ApiKeysModule],
  // `/users/roles` and `/users/first` must be routed before `/users/{user}` matches them.
  controllers: [UsersController, UserController],
  providers: [
    UsersService,
    UsersRepository,
    UserParamResolver,
    UserCreateService,
    FirstUserService,
    UserRolesService,
    UserProfileService,
    DormancyService,
  ],
  exports: [UsersService, UsersRepository],
})
export class UsersModule {}
