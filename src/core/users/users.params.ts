import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ParamResolvers, type ParamResolver, type ResolutionContext } from '../access/resolved-params.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import type { UserEntity } from './entities/user.entity.js';
import { userMissing } from './users.errors.js';
import { UsersService } from './users.service.js';

/**
 * `{user}`: `me`, a UUID or a username (case-insensitive); 404 when unknown or not visible to the
 * caller (src/core/rbac/policy.ts: canReadUser).
 *
 * Under an `{organization}` already resolved, whoever may add members to that organization may
 * name any user, as Coder's system lookup lets them: an organization admin adds people who share
 * no organization with it yet. The routes there (members, a member's workspaces) then answer 404
 * for a user who is not a member, so nothing else becomes visible.
 */
@Injectable()
export class UserParamResolver implements ParamResolver<UserEntity>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('user', this);
  }

  async resolve(value: string, actor: Actor | undefined, req: ResolutionContext): Promise<UserEntity> {
    if (!actor) throw userMissing();
    const user = await this.users.findByReference(actor, value);
    if (!user) throw userMissing();
    if (await this.users.isVisibleTo(actor, user)) return user;
    const org = req.resolved?.organization as OrganizationEntity | undefined;
    if (org && can(actor, 'create', { type: 'organization_member', orgId: org.id })) return user;
    throw userMissing();
  }
}
