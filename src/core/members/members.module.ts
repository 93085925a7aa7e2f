import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { UsersModule } from '../users/users.module.js';
import { MembersController } from './members.controller.js';
import { MembersService } from './members.service.js';
import { UserOrganizationsController } from './user-organizations.controller.js';
import { UserOrganizationsService } from './user-organizations.service.js';

/** `/organizations/{organization}/members…` and `/users/{user}/organizations…`. */
@Module({
  imports: [OrganizationsModule, UsersModule],
  controllers: [MembersController, UserOrganizationsController],
  providers: [MembersService, UserOrganizationsService],
})
export class MembersModule {}
