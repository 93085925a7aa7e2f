import { Module } from '@nestjs/common';
import { CoreGroupsModule } from '../../core/groups/groups.module.js';
import { OrganizationsModule } from '../../core/organizations/organizations.module.js';
import { UsersModule } from '../../core/users/users.module.js';
import { ScimDiscoveryController } from './discovery/scim-discovery.controller.js';
import { ScimGroupsController } from './groups/scim-groups.controller.js';
import { ScimGroupsRepository } from './groups/scim-groups.repository.js';
import { ScimGroupsService } from './groups/scim-groups.service.js';
import { ScimAudit } from './http/scim-audit.js';
import { ScimAuthGuard } from './http/scim-auth.guard.js';
import { ScimOrganization } from './http/scim-organization.js';
import { ScimUsersController } from './users/scim-users.controller.js';
import { ScimUsersRepository } from './users/scim-users.repository.js';
import { ScimUsersService } from './users/scim-users.service.js';
import { AuditModule } from '../../core/audit/audit.module.js';
import { AuthModule } from '../../core/auth/auth.module.js';

/**
 * SCIM 2.0 (`scim`): Users and Groups of the default organization at `/scim/v2` and
 * `/api/v2/scim/v2`, only when CODER_SCIM_AUTH_HEADER is set. Its routes answer to the SCIM key
 * (http/scim-auth.guard.ts) and in the SCIM error schema (http/scim-exception.filter.ts); their
 * `{id}` parameters are looked up by the services, after the key is checked, not by a resolver.
 */
@Module({
  imports: [AuthModule, AuditModule, OrganizationsModule, UsersModule, CoreGroupsModule],
  controllers: [ScimDiscoveryController, ScimUsersController, ScimGroupsController],
  providers: [
    ScimAuthGuard,
    ScimAudit,
    ScimOrganization,
    ScimUsersRepository,
    ScimUsersService,
    ScimGroupsRepository,
    ScimGroupsService,
  ],
})
export class ScimModule {}
