import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../../core/organizations/organizations.module.js';
import { UsersModule } from '../../core/users/users.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { ScimAudit } from './scim-audit.js';
import { ScimAuthGuard } from './scim-auth.guard.js';
import { ScimDiscoveryController } from './scim-discovery.controller.js';
import { ScimGroupsController } from './scim-groups.controller.js';
import { ScimGroupsRepository } from './scim-groups.repository.js';
import { ScimGroupsService } from './scim-groups.service.js';
import { ScimOrganization } from './scim-replies.js';
import { ScimUsersController } from './scim-users.controller.js';
import { ScimUsersRepository } from './scim-users.repository.js';
import { ScimUsersService } from './scim-users.service.js';

/**
 * SCIM 2.0 (`scim`): Users and Groups of the default organization at `/scim/v2` and
 * `/api/v2/scim/v2`, only when CODER_SCIM_AUTH_HEADER is set.
 */
@Module({
  imports: [OrganizationsModule, UsersModule, GroupsModule],
  controllers: [ScimDiscoveryController, ScimUsersController, ScimGroupsController],
  providers: [ScimAuthGuard, ScimAudit, ScimOrganization, ScimUsersRepository, ScimUsersService, ScimGroupsRepository, ScimGroupsService],
})
export class ScimModule {}
