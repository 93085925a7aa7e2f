import { Injectable, type OnModuleInit } from '@nestjs/common';
import { internalError, isUuid } from '../../common/errors.js';
import { ParamResolvers, type ParamResolver, type ResolutionContext } from '../access/resolved-params.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import type { GroupEntity } from './entities/group.entity.js';
import { groupMissing, groupNameAmbiguous } from './groups.errors.js';
import { GroupsRepository } from './groups.repository.js';

/** Whether the actor sees the group (src/core/rbac/policy.ts: group readers, or a member's own groups). */
export function canReadGroup(actor: Actor, group: GroupEntity): boolean {
  return can(actor, 'read', { type: 'group', orgId: group.organizationId, id: group.id });
}

/**
 * `{group}`: a UUID, or a name looked up in the caller's organizations (a name held in several of
 * them is ambiguous: 400). 404 when absent or not visible to the caller.
 */
@Injectable()
export class GroupParamResolver implements ParamResolver<GroupEntity>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly repo: GroupsRepository,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('group', this);
  }

  async resolve(value: string, actor: Actor | undefined): Promise<GroupEntity> {
    if (!actor) throw groupMissing();
    let group: GroupEntity | null = null;
    if (isUuid(value)) {
      group = await this.repo.getGroupById(value.toLowerCase());
    } else {
      const named = (await this.repo.listGroupsNamed(value, [...actor.orgRoles.keys()])).filter((g) =>
        canReadGroup(actor, g),
      );
      if (named.length > 1) throw groupNameAmbiguous(value, named.length);
      group = named[0] ?? null;
    }
    if (!group || !canReadGroup(actor, group)) throw groupMissing();
    return group;
  }
}

/** `{groupName}`: a group of the already resolved `{organization}`, by exact name; 404 when absent or not visible. */
@Injectable()
export class GroupNameParamResolver implements ParamResolver<GroupEntity>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly repo: GroupsRepository,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('groupName', this);
  }

  async resolve(value: string, actor: Actor | undefined, req: ResolutionContext): Promise<GroupEntity> {
    const org = req.resolved?.organization as OrganizationEntity | undefined;
    // `{groupName}` only follows `{organization}`: without it this route is miswired (a logged 500).
    if (!org) throw internalError('{groupName} resolved before {organization}');
    if (!actor) throw groupMissing();
    const group = await this.repo.getGroupByOrgAndName(org.id, value);
    if (!group || !canReadGroup(actor, group)) throw groupMissing();
    return group;
  }
}
