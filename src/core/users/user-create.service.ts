import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { forbidden } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import type { Actor } from '../rbac/actor.js';
import { can, canAssignSiteRole } from '../rbac/policy.js';
import type { CreateUserRequest } from './dto/create-user.dto.js';
import { userAuditSnapshot, type UserResponse } from './dto/user.dto.js';
import type { LoginType } from './entities/user.entity.js';
import { hashPassword } from './password.js';
import {
  organizationIdMissing,
  passwordForbiddenForLoginType,
  passwordRequired,
  serviceAccountsUnsupported,
  userExists,
} from './users.errors.js';
import { requestedSiteRoles } from './site-roles.js';
import { UsersRepository } from './users.repository.js';
import { assertStrongPassword, UsersService } from './users.service.js';
import { userAuditEntry } from './user-audit.js';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** `POST /users`: an administrator creates a user. */
@Injectable()
export class UserCreateService {
  constructor(
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly repo: UsersRepository,
    private readonly orgs: OrganizationsService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, body: CreateUserRequest, meta: RequestMeta): Promise<UserResponse> {
    const loginType: LoginType = body.login_type ?? (body.disable_login ? 'none' : 'password');
    if (loginType !== 'password' && body.password) throw passwordForbiddenForLoginType(loginType);
    if (loginType === 'password' && !body.password) throw passwordRequired();
    if (body.service_account) throw serviceAccountsUnsupported();
    const siteRoles = this.siteRolesForNewUser(actor, body.roles ?? []);
    // Coder's order: an existing user (409) and an unknown organization (404) before password strength.
    if (await this.repo.getUserByEmailOrUsername(body.email, body.username)) throw userExists();
    const orgIds = await this.organizationsForNewUser(actor, body);
    if (body.password) assertStrongPassword(body.password);
    const hashedPassword = body.password ? await hashPassword(body.password) : undefined;
    try {
      const created = await this.db.transaction(async () => {
        const user = await this.users.insertUser({
          email: body.email,
          username: body.username,
          name: body.name,
          hashedPassword,
          loginType,
          // Coder stores `dormant` (its default) until the first sign-in; here a new user starts active
          // (Terraform reads the status back) and only the dormancy check makes users dormant.
          status: body.user_status === 'dormant' ? 'active' : body.user_status,
          siteRoles,
        });
        for (const orgId of orgIds) await this.orgs.addMember(orgId, user.id);
        await this.audit.record(
          userAuditEntry(meta, actor.id, user, {
            action: 'create',
            statusCode: 201,
            diff: auditDiff(null, userAuditSnapshot(user)),
            organizationId: orgIds[0],
          }),
        );
        return this.users.toResponse(actor, user);
      });
      await this.users.activeUsersChanged();
      return created;
    } catch (err) {
      if (isUniqueViolation(err)) throw userExists();
      throw err;
    }
  }

  /** `roles` of a create request: site roles only, each one the actor may assign (as `PUT /users/{user}/roles`). */
  private siteRolesForNewUser(actor: Actor, roles: string[]): string[] {
    const desired = requestedSiteRoles(roles);
    for (const role of desired) if (!canAssignSiteRole(actor, role)) throw forbidden();
    return desired;
  }

  /** The organizations a new user joins: those named (each must exist and be visible), else the default. */
  private async organizationsForNewUser(actor: Actor, body: CreateUserRequest): Promise<string[]> {
    const requested = [
      ...new Set([...(body.organization_ids ?? []), ...(body.organization_id ? [body.organization_id] : [])]),
    ]
      .map((id) => id.toLowerCase())
      .filter((id) => id !== NIL_UUID);
    if (requested.length === 0) {
      const org = await this.orgs.getDefaultOrganization();
      return org ? [org.id] : [];
    }
    for (const id of requested) {
      const org = await this.orgs.getOrganizationById(id);
      if (!org || !can(actor, 'read', { type: 'organization', orgId: id })) throw organizationIdMissing(id);
      if (!can(actor, 'create', { type: 'organization_member', orgId: id })) throw forbidden();
    }
    return requested;
  }
}
