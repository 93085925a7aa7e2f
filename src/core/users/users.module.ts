import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { FirstUserService } from './first-user.service.js';
import { UserProfileService } from './user-profile.service.js';
import { UserRolesService } from './user-roles.service.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [OrganizationsModule],
  controllers: [UsersController],
  providers: [UsersService, UsersRepository, FirstUserService, UserRolesService, UserProfileService],
  exports: [UsersService, UsersRepository],
})
export class UsersModule {}
