import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ApiError, badRequest, conflict, forbidden, isUuid, notFound } from '../../common/errors.js';
import { parsePagination, QueryParser } from '../../common/query.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { EntitlementsService } from '../licensing/entitlements.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import type { Actor } from '../rbac/actor.js';
import { can, canAssignSiteRole, canReadUser } from '../rbac/policy.js';
import { isSiteRole, MEMBER } from '../rbac/roles.js';
import { toUserResponse, userAuditSnapshot, type UserResponse } from './dto/user.dto.js';
import type { CreateUserRequest } from './dto/create-user.dto.js';
import { UserEntity, type LoginType, type UserStatus } from './entities/user.entity.js';
import { hashPassword, passwordWeakness } from './password.js';
import { parseUserSearch } from './user-search.js';
import { UsersRepository } from './users.repository.js';

export const USER_EXISTS = 'User already exists.';
export const OWNER_PROTECTED = 'Only an owner can modify a user with the "owner" role.';

export interface NewUser {
  email: string;
  username: string;
  name?: string;
  /** From hashPassword(), computed before the transaction (hashing is deliberately slow). */
  hashedPassword?: string;
  loginType: LoginType;
  status?: UserStatus;
  siteRoles?: string[];
}

/** 400 `Password not strong enough!` with Coder's reason, or nothing. */
export function assertStrongPassword(password: string): void {
  const weakness = passwordWeakness(password);
  if (weakness) throw badRequest('Password not strong enough!', undefined, [{ field: 'password', detail: weakness }]);
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: UsersRepository,
    private readonly orgs: OrganizationsService,
    private readonly audit: AuditService,
    private readonly entitlements: EntitlementsService,
  ) {}

  /** The active-user count feeds `user_limit.actual` on every replica. */
  activeUsersChanged(): Promise<void> {
    return this.entitlements.announce('users');
  }

  /**
   * `{user}` → a user the actor may see: `me`, a UUID or a username (case-insensitive).
   * Unknown and invisible users get the same 404 (Coder answers 400 for unknown ones, which
   * would tell a caller which usernames exist).
   */
  async resolveVisible(actor: Actor, param: string): Promise<UserEntity> {
    const user = await this.lookup(actor, param);
    if (!user) throw notFound();
    if (user.id !== actor.id) {
      const orgIds = (await this.orgs.organizationIdsOfUsers([user.id])).get(user.id) ?? [];
      if (!canReadUser(actor, user.id, orgIds)) throw notFound();
    }
    return user;
  }

  /**
   * `{user}` → any existing user, without a visibility check (Coder's system lookup). Only for
   * routes whose caller is already authorized to act on users it cannot see yet.
   */
  async resolveAny(actor: Actor, param: string): Promise<UserEntity> {
    const user = await this.lookup(actor, param);
    if (!user) throw notFound();
    return user;
  }

  private lookup(actor: Actor, param: string): Promise<UserEntity | null> {
    if (param === '' || param === undefined) throw badRequest('"user" must be provided.');
    if (param.toLowerCase() === 'me') return this.repo.getUserById(actor.id);
    if (isUuid(param)) return this.repo.getUserById(param.toLowerCase());
    return this.repo.getUserByUsername(param);
  }

  /** Login lookup: by email, case-insensitive, non-deleted users only. */
  getUserByEmail(email: string): Promise<UserEntity | null> {
    return this.repo.getUserByEmail(email);
  }

  /** `user` as `viewer` sees it. */
  async toResponse(viewer: Actor, user: UserEntity, manager?: EntityManager): Promise<UserResponse> {
    const orgIds = (await this.orgs.organizationIdsShownTo(viewer, [user.id], manager)).get(user.id) ?? [];
    return toUserResponse(user, orgIds);
  }

  async get(actor: Actor, param: string): Promise<UserResponse> {
    return this.toResponse(actor, await this.resolveVisible(actor, param));
  }

  async list(actor: Actor, query: Record<string, unknown>) {
    const parser = new QueryParser(query);
    const page = parsePagination(parser);
    const q = parser.string('q');
    parser.done();
    const filter = parseUserSearch(q);
    const everyone = can(actor, 'read', { type: 'user' });
    const { users, count } = await this.repo.listUsers(
      filter,
      everyone ? { all: true } : { all: false, actorId: actor.id },
      page,
    );
    const orgIds = await this.orgs.organizationIdsShownTo(actor, users.map((u) => u.id));
    return { users: users.map((u) => toUserResponse(u, orgIds.get(u.id) ?? [])), count };
  }

  /** Inserts a user (checked for duplicates, password hashed) inside the caller's transaction. */
  async insertUser(manager: EntityManager, input: NewUser): Promise<UserEntity> {
    if (await this.repo.getUserByEmailOrUsername(input.email, input.username, manager)) throw conflict(USER_EXISTS);
    const now = new Date();
    const user = manager.create(UserEntity, {
      id: randomUUID(),
      email: input.email,
      username: input.username,
      name: input.name ?? '',
      hashedPassword: input.hashedPassword ?? null,
      createdAt: now,
      updatedAt: now,
      status: input.status ?? 'active',
      rbacRoles: input.siteRoles ?? [],
      loginType: input.loginType,
      avatarUrl: '',
      deleted: false,
      lastSeenAt: now,
      quietHoursSchedule: '',
    });
    try {
      return await this.repo.insertUser(manager, user);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(USER_EXISTS);
      throw err;
    }
  }

  async create(actor: Actor, body: CreateUserRequest, meta: RequestMeta): Promise<UserResponse> {
    const loginType: LoginType = body.login_type ?? (body.disable_login ? 'none' : 'password');
    if (loginType !== 'password' && body.password) {
      throw badRequest(`Password cannot be set for non-password ("${loginType}") authentication.`);
    }
    if (loginType === 'password' && !body.password) {
      throw badRequest('Validation failed.', undefined, [
        { field: 'password', detail: 'Validation failed for tag "required_if" with value: ""' },
      ]);
    }
    if (body.service_account) {
      throw badRequest('Service accounts are not supported by this server.', undefined, [
        { field: 'service_account', detail: 'Create a user with login_type "none" and give it API tokens instead.' },
      ]);
    }
    const siteRoles = this.siteRolesForNewUser(actor, body.roles ?? []);
    // Coder's order: an existing user (409) and an unknown organization (404) before password strength.
    if (await this.repo.getUserByEmailOrUsername(body.email, body.username)) throw conflict(USER_EXISTS);
    const orgIds = await this.organizationsForNewUser(actor, body, this.db.manager);
    if (body.password) assertStrongPassword(body.password);
    const hashedPassword = body.password ? await hashPassword(body.password) : undefined;
    try {
      const created = await this.db.transaction(async (manager) => {
        const user = await this.insertUser(manager, {
          email: body.email,
          username: body.username,
          name: body.name,
          hashedPassword,
          loginType,
          // No dormant status here: a dormant user is one who has not signed in yet, which becomes active on sign-in.
          status: body.user_status === 'dormant' ? 'active' : body.user_status,
          siteRoles,
        });
        for (const orgId of orgIds) await this.orgs.addMember(manager, orgId, user.id);
        await this.audit.record(
          {
            meta,
            userId: actor.id,
            organizationId: orgIds[0],
            resourceType: 'user',
            resourceId: user.id,
            resourceTarget: user.username,
            action: 'create',
            statusCode: 201,
            diff: auditDiff(null, userAuditSnapshot(user)),
          },
          manager,
        );
        return this.toResponse(actor, user, manager);
      });
      await this.activeUsersChanged();
      return created;
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(USER_EXISTS);
      throw err;
    }
  }

  /** `roles` of a create request: site roles only, each one the actor may assign (as `PUT /users/{user}/roles`). */
  private siteRolesForNewUser(actor: Actor, roles: string[]): string[] {
    for (const role of roles) {
      if (role.includes(':')) throw badRequest('Must only update site wide roles');
      if (role !== MEMBER && !isSiteRole(role)) throw badRequest(`"${role}" is not a supported role`);
    }
    const desired = [...new Set(roles.filter((r) => r !== MEMBER))];
    for (const role of desired) if (!canAssignSiteRole(actor, role)) throw forbidden();
    return desired;
  }

  /** The organizations a new user joins: those named (each must exist and be visible), else the default. */
  private async organizationsForNewUser(actor: Actor, body: CreateUserRequest, manager: EntityManager): Promise<string[]> {
    const requested = [...new Set([...(body.organization_ids ?? []), ...(body.organization_id ? [body.organization_id] : [])])]
      .map((id) => id.toLowerCase())
      .filter((id) => id !== '00000000-0000-0000-0000-000000000000');
    if (requested.length === 0) {
      const org = await this.orgs.getDefaultOrganization(manager);
      return org ? [org.id] : [];
    }
    for (const id of requested) {
      const org = await this.orgs.getOrganizationById(id, manager);
      if (!org || !can(actor, 'read', { type: 'organization', orgId: id })) {
        throw new ApiError(404, { message: `Organization does not exist with the provided id "${id}".` });
      }
      if (!can(actor, 'create', { type: 'organization_member', orgId: id })) throw forbidden();
    }
    return requested;
  }

  /**
   * Only an owner may change another owner (delete, suspend, reset the password, rename). Coder
   * lets a user admin do it, which lets a user admin reset an owner's password and become owner.
   */
  assertMayManage(actor: Actor, target: UserEntity): void {
    if (target.id !== actor.id && target.rbacRoles.includes('owner') && !actor.siteRoles.includes('owner')) {
      throw forbidden(OWNER_PROTECTED);
    }
  }

  async delete(actor: Actor, param: string, meta: RequestMeta) {
    const user = await this.resolveVisible(actor, param);
    if (user.id === actor.id) throw forbidden('You cannot delete yourself!');
    this.assertMayManage(actor, user);
    await this.db.transaction(async (manager) => {
      await this.repo.softDeleteUser(manager, user.id);
      await this.audit.record(
        {
          meta,
          userId: actor.id,
          resourceType: 'user',
          resourceId: user.id,
          resourceTarget: user.username,
          action: 'delete',
          statusCode: 200,
          diff: auditDiff(userAuditSnapshot(user), null),
        },
        manager,
      );
    });
    await this.activeUsersChanged();
    return { message: 'User has been deleted!' };
  }

  async setStatus(actor: Actor, param: string, status: UserStatus, meta: RequestMeta): Promise<UserResponse> {
    const user = await this.resolveVisible(actor, param);
    this.assertMayManage(actor, user);
    if (status === 'suspended') {
      if (user.id === actor.id) throw badRequest('You cannot suspend yourself.');
      if (user.rbacRoles.includes('owner')) {
        throw badRequest('You cannot suspend a user with the "owner" role. You must remove the role first.');
      }
    }
    const response = await this.db.transaction(async (manager) => {
      const updated = await this.repo.updateStatus(manager, user.id, status);
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
      return this.toResponse(actor, updated, manager);
    });
    if (status !== user.status) await this.activeUsersChanged();
    return response;
  }
}
