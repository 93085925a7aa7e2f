import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { badRequest, forbidden } from '../../common/errors.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import type { Actor } from '../rbac/actor.js';
import { canAssignSiteRole } from '../rbac/policy.js';
import { isSiteRole, MEMBER, ORG_MEMBER, roleDisplayName, SITE_ROLES } from '../rbac/roles.js';
import type { AssignableRoleResponse, UserRolesResponse } from './dto/create-user.dto.js';
import { userAuditSnapshot, type UserResponse } from './dto/user.dto.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/** Site role assignment (`PUT /users/{user}/roles`) with Coder's assignment matrix. */
@Injectable()
export class UserRolesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly repo: UsersRepository,
    private readonly audit: AuditService,
  ) {}

  assignableSiteRoles(actor: Actor): AssignableRoleResponse[] {
    return SITE_ROLES.map((name) => ({
      name,
      display_name: roleDisplayName(name),
      assignable: canAssignSiteRole(actor, name),
    }));
  }

  async getRoles(actor: Actor, param: string): Promise<UserRolesResponse> {
    const user = await this.users.resolveVisible(actor, param);
    const memberships: { organization_id: string; roles: string[] }[] = await this.db.query(
      'SELECT organization_id, roles FROM organization_members WHERE user_id = $1 ORDER BY created_at',
      [user.id],
    );
    return {
      roles: user.rbacRoles,
      organization_roles: Object.fromEntries(memberships.map((m) => [m.organization_id, [ORG_MEMBER, ...m.roles]])),
    };
  }

  async setRoles(actor: Actor, param: string, roles: string[], meta: RequestMeta): Promise<UserResponse> {
    const user = await this.users.resolveVisible(actor, param);
    if (user.id === actor.id) throw badRequest('You cannot change your own roles.');
    this.users.assertMayManage(actor, user);
    for (const role of roles) {
      if (role.includes(':')) throw badRequest('Must only update site wide roles');
      if (role !== MEMBER && !isSiteRole(role)) throw badRequest(`"${role}" is not a supported role`);
    }
    const desired = [...new Set(roles.filter((r) => r !== MEMBER))];
    const added = desired.filter((r) => !user.rbacRoles.includes(r));
    const removed = user.rbacRoles.filter((r) => !desired.includes(r));
    for (const role of [...added, ...removed]) {
      if (!canAssignSiteRole(actor, role)) throw forbidden();
    }
    return this.db.transaction(async (manager) => {
      const updated = await this.repo.updateSiteRoles(manager, user.id, desired);
      await this.audit.record(
        {
          meta,
          userId: actor.id,
          resourceType: 'user',
          resourceId: user.id,
          resourceTarget: user.username,
          action: 'write',
          statusCode: 200,
          diff: auditDiff(userAuditSnapshot(user), userAuditSnapshot(updated)),
        },
        manager,
      );
      return this.users.toResponse(actor, updated, manager);
    });
  }
}
