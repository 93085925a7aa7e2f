import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../../core/organizations/organizations.module.js';
import { GroupPatchService } from './group-patch.service.js';
import { GroupsController, OrganizationGroupsController } from './groups.controller.js';
import { GroupsRepository } from './groups.repository.js';
import { GroupsService } from './groups.service.js';

/** Groups (`template_rbac`): `/organizations/{organization}/groups…` and `/groups/{group}`. */
@Module({
  imports: [OrganizationsModule],
  controllers: [OrganizationGroupsController, GroupsController],
  providers: [GroupsService, GroupPatchService, GroupsRepository],
  exports: [GroupsService, GroupsRepository],
})
export class GroupsModule {}
