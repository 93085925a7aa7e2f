import { Module } from '@nestjs/common';
import { AccessModule } from '../access/resolved-params.js';
import { GroupListingRepository } from './group-listing.repository.js';
import { GroupNameParamResolver, GroupParamResolver } from './groups.params.js';
import { GroupsRepository } from './groups.repository.js';

/**
 * The owner of `groups` and `group_members` (src/core/groups/groups.repository.ts) and of the
 * `{group}` and `{groupName}` path parameters, for core and enterprise modules alike; the `/groups`
 * API itself is enterprise (src/enterprise/groups).
 */
@Module({
  imports: [AccessModule],
  providers: [GroupsRepository, GroupListingRepository, GroupParamResolver, GroupNameParamResolver],
  exports: [GroupsRepository, GroupListingRepository, GroupParamResolver],
})
export class CoreGroupsModule {}
