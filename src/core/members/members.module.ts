import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { MembersController, PaginatedMembersController } from './members.controller.js';
import { MembersService } from './members.service.js';
import { UserOrganizationsController } from './user-organizations.controller.js';
import { UserOrganizationsService } from './user-organizations.service.js';
import { AuditModule } from '../audit/audit.module.js';

/**
 * `/organizations/{organization}/members…`, `/organizations/{organization}/paginated-members` and `/users/{user}/organizations…` (the `{user}`,
 * `{organization}` and `{organizationname}` resolvers are the users and organizations modules').
 */
@Module({
  imports: [AuditModule, OrganizationsModule],
  controllers: [MembersController, PaginatedMembersController, UserOrganizationsController],
  providers: [MembersService, UserOrganizationsService],
})
export class MembersModule {}
