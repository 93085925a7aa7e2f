import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { forbidden } from '../../common/errors.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import type { Actor } from '../rbac/actor.js';
import { canAssignSiteRole } from '../rbac/policy.js';
import { toAssignableRole } from '../rbac/role-presenter.js';
import { ORG_MEMBER, SITE_ROLES } from '../rbac/roles.js';
import type { AssignableRoleResponse, UserRolesResponse } from './dto/create-user.dto.js';
import { userAuditSnapshot, type UserResponse } from './dto/user.dto.js';
import type { UserEntity } from './entities/user.entity.js';
import { requestedSiteRoles } from './site-roles.js';
import { ownRolesUnchangeable } from './users.errors.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';
import { userAuditEntry } from './user-audit.js';

/** Site role assignment (`/users/roles`, `/users/{user}/roles`) with Coder's assignment matrix. */
@Injectable()
export class UserRolesService {
  constructor(
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly repo: UsersRepository,
    private readonly memberships: OrganizationsRepository,
    private readonly audit: AuditService,
  ) {}

  assignableSiteRoles(actor: Actor): AssignableRoleResponse[] {
    return SITE_ROLES.map((name) => toAssignableRole(name, canAssignSiteRole(actor, name)));
  }

  async getRoles(user: UserEntity): Promise<UserRolesResponse> {
    const memberships = await this.memberships.listMembershipsOfUser(user.id);
    return {
      roles: user.rbacRoles,
      organization_roles: Object.fromEntries(memberships.map((m) => [m.organization_id, [ORG_MEMBER, ...m.roles]])),
    };
  }

  async setRoles(actor: Actor, user: UserEntity, roles: string[], meta: RequestMeta): Promise<UserResponse> {
    if (user.id === actor.id) throw ownRolesUnchangeable();
    this.users.assertMayManage(actor, user);
    const desired = requestedSiteRoles(roles);
    const added = desired.filter((r) => !user.rbacRoles.includes(r));
    const removed = user.rbacRoles.filter((r) => !desired.includes(r));
    for (const role of [...added, ...removed]) {
      if (!canAssignSiteRole(actor, role)) throw forbidden();
    }
    return this.db.transaction(async () => {
      const updated = await this.repo.updateSiteRoles(user.id, desired);
      await this.audit.record(
        userAuditEntry(meta, actor.id, user, {
          action: 'write',
          statusCode: 200,
          diff: auditDiff(userAuditSnapshot(user), userAuditSnapshot(updated)),
        }),
      );
      return this.users.toResponse(actor, updated);
    });
  }
}
