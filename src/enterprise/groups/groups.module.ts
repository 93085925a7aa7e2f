import { Module } from '@nestjs/common';
import { CoreGroupsModule } from '../../core/groups/groups.module.js';
import { GroupListController, GroupsController } from './groups.controller.js';
import { GroupReadsService } from './group-reads.service.js';
import { GroupsService } from './groups.service.js';
import { OrganizationGroupsController } from './organization-groups.controller.js';
import { AuditModule } from '../../core/audit/audit.module.js';

/**
 * Groups (`template_rbac`): `/organizations/{organization}/groups…`, `/groups` and `/groups/{group}…`. The
 * tables and the `{group}`/`{groupName}` parameters belong to src/core/groups.
 */
@Module({
  imports: [AuditModule, CoreGroupsModule],
  controllers: [OrganizationGroupsController, GroupListController, GroupsController],
  providers: [GroupsService, GroupReadsService],
  exports: [GroupsService, CoreGroupsModule],
})
export class GroupsModule {}
