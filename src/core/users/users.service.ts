import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { isUuid } from '../../common/errors.js';
import { parsePagination, QueryParser } from '../../common/query.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { Database } from '../../database/database.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { EntitlementsService } from '../licensing/entitlements.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import type { Actor } from '../rbac/actor.js';
import { can, canAssignSiteRole, canReadUser } from '../rbac/policy.js';
import { toUserResponse, userAuditSnapshot, type UserResponse, type UsersListResponse } from './dto/user.dto.js';
import { UserEntity, type LoginType, type UserStatus } from './entities/user.entity.js';
import { passwordWeakness } from './password.js';
import { parseUserSearch } from '../search/user-search.js';
import {
  ownerProtected,
  ownerSuspendRefused,
  passwordNotStrong,
  selfDeleteRefused,
  selfSuspendRefused,
  USER_DELETED,
  userExists,
  userParamEmpty,
} from './users.errors.js';
import { UsersRepository } from './users.repository.js';
import { userAuditEntry } from './user-audit.js';
import { DORMANCY_ACTOR_FIELDS, type SuspensionListener, type UserSuspension } from './user-suspension.js';

/** The site role only an owner holds (and only an owner may grant). */
const OWNER = 'owner';

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
  if (weakness) throw passwordNotStrong(weakness);
}

/** `/users` and `/users/{user}`: listing, lookup, deletion and status; the shared user rules. */
@Injectable()
export class UsersService {
  private readonly logger = new Logger('Users');
  private readonly sessionUsers = new WeakMap<Actor, UserEntity>();
  private readonly suspensionListeners: SuspensionListener[] = [];

  constructor(
    private readonly db: Database,
    private readonly repo: UsersRepository,
    private readonly orgs: OrganizationsService,
    private readonly keys: ApiKeysService,
    private readonly audit: AuditService,
    private readonly entitlements: EntitlementsService,
  ) {}

  /** The active-user count feeds `user_limit.actual` on every replica. */
  activeUsersChanged(): Promise<void> {
    return this.entitlements.announce('users');
  }

  /**
   * The signed-in user's row as the session check read it (AuthService), for the rest of the same
   * request: `me` costs no second read. Keyed by the request's actor, so it ends with the request.
   */
  rememberSessionUser(actor: Actor, user: UserEntity): void {
    this.sessionUsers.set(actor, user);
  }

  /** A user by `me`, UUID or username (case-insensitive), without a visibility check; null when unknown. */
  findByReference(actor: Actor, ref: string): Promise<UserEntity | null> {
    if (ref === '' || ref === undefined) throw userParamEmpty();
    if (ref.toLowerCase() === 'me') {
      const user = this.sessionUsers.get(actor);
      return user ? Promise.resolve(user) : this.repo.getUserById(actor.id);
    }
    if (isUuid(ref)) return this.repo.getUserById(ref.toLowerCase());
    return this.repo.getUserByUsername(ref);
  }

  /**
   * Whether `actor` may see `user` (src/core/rbac/policy.ts: canReadUser). Unknown and invisible
   * users get the same 404 (Coder answers 400 for unknown ones, which would tell a caller which
   * usernames exist): src/core/users/users.params.ts.
   */
  async isVisibleTo(actor: Actor, user: UserEntity): Promise<boolean> {
    if (user.id === actor.id) return true;
    const orgIds = (await this.orgs.organizationIdsOfUsers([user.id])).get(user.id) ?? [];
    return canReadUser(actor, user.id, orgIds);
  }

  /**
   * Registers what follows every suspension. A listener, not an import: the workspaces module
   * (which stops the workspaces) depends on this one.
   */
  onSuspension(listener: SuspensionListener): void {
    this.suspensionListeners.push(listener);
  }

  /**
   * Runs after a suspension has committed, in the same request. Never throws: a failure of what
   * follows (a workspace that cannot be stopped) is logged and does not undo the suspension.
   */
  async afterSuspension(suspension: UserSuspension): Promise<void> {
    for (const listener of this.suspensionListeners) {
      try {
        await listener(suspension);
      } catch (err) {
        this.logger.error(`after suspending user ${suspension.userId}: ${(err as Error).message}`);
      }
    }
  }

  /**
   * Coder's ActivateDormantUser: a dormant user who signs in or uses a key is active again (and
   * seen now, so the next dormancy pass does not mark it at once). Audited as Coder does: the user
   * itself with the dormancy subsystem's fields. Returns the user's status afterwards (another
   * request may have woken it first, or an admin suspended it meanwhile).
   */
  async activateDormant(user: Pick<UserEntity, 'id' | 'username'>, meta: RequestMeta): Promise<UserStatus> {
    const woken = await this.db.transaction(async () => {
      if (!(await this.repo.activateDormantUser(user.id))) return false;
      await this.audit.record({
        ...userAuditEntry(meta, user.id, user, {
          action: 'write',
          statusCode: 200,
          diff: auditDiff({ status: 'dormant' }, { status: 'active' }),
        }),
        additionalFields: { ...DORMANCY_ACTOR_FIELDS },
      });
      return true;
    });
    if (!woken) return (await this.repo.getUserById(user.id))?.status ?? 'suspended';
    await this.activeUsersChanged();
    return 'active';
  }

  /** A user was seen (one of its keys was used): src/core/auth/auth.service.ts. */
  recordSeen(userId: string, at: Date): Promise<void> {
    return this.repo.updateLastSeen(userId, at);
  }

  /** Login lookup: by email, case-insensitive, non-deleted users only. */
  getUserByEmail(email: string): Promise<UserEntity | null> {
    return this.repo.getUserByEmail(email);
  }

  /** `user` as `viewer` sees it. */
  async toResponse(viewer: Actor, user: UserEntity): Promise<UserResponse> {
    // The session's own row (nothing in this request has written it): its memberships are the
    // actor's, read in the same statement.
    const orgIds =
      user === this.sessionUsers.get(viewer)
        ? [...viewer.orgRoles.keys()].filter((orgId) => can(viewer, 'read', { type: 'organization', orgId }))
        : ((await this.orgs.organizationIdsShownTo(viewer, [user.id])).get(user.id) ?? []);
    return toUserResponse(user, orgIds);
  }

  async list(actor: Actor, query: Record<string, unknown>): Promise<UsersListResponse> {
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
    const orgIds = await this.orgs.organizationIdsShownTo(
      actor,
      users.map((u) => u.id),
    );
    return { users: users.map((u) => toUserResponse(u, orgIds.get(u.id) ?? [])), count };
  }

  /** Inserts a user (checked for duplicates, password hashed by the caller), in the caller's transaction if any. */
  async insertUser(input: NewUser): Promise<UserEntity> {
    if (await this.repo.getUserByEmailOrUsername(input.email, input.username)) throw userExists();
    const now = new Date();
    const user = Object.assign(new UserEntity(), {
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
      return await this.repo.insertUser(user);
    } catch (err) {
      if (isUniqueViolation(err)) throw userExists();
      throw err;
    }
  }

  /**
   * Only an owner may change another owner (delete, suspend, reset the password, rename): whoever
   * may not grant the owner role may not change an owner either. Coder lets a user admin do it,
   * which lets a user admin reset an owner's password and become owner.
   */
  assertMayManage(actor: Actor, target: UserEntity): void {
    if (target.id !== actor.id && target.rbacRoles.includes(OWNER) && !canAssignSiteRole(actor, OWNER)) {
      throw ownerProtected();
    }
  }

  async delete(actor: Actor, user: UserEntity, meta: RequestMeta): Promise<{ message: string }> {
    if (user.id === actor.id) throw selfDeleteRefused();
    this.assertMayManage(actor, user);
    await this.db.transaction(async () => {
      await this.repo.softDeleteUser(user.id);
      // Sessions and tokens go with the user.
      await this.keys.deleteKeysOfUser(user.id);
      await this.audit.record(
        userAuditEntry(meta, actor.id, user, {
          action: 'delete',
          statusCode: 200,
          diff: auditDiff(userAuditSnapshot(user), null),
        }),
      );
    });
    await this.activeUsersChanged();
    return { message: USER_DELETED };
  }

  async setStatus(actor: Actor, user: UserEntity, status: UserStatus, meta: RequestMeta): Promise<UserResponse> {
    this.assertMayManage(actor, user);
    if (status === 'suspended') {
      if (user.id === actor.id) throw selfSuspendRefused();
      if (user.rbacRoles.includes(OWNER)) throw ownerSuspendRefused();
    }
    const response = await this.db.transaction(async () => {
      const updated = await this.repo.updateStatus(user.id, status);
      await this.audit.record(
        userAuditEntry(meta, actor.id, user, {
          action: 'write',
          statusCode: 200,
          diff: auditDiff(userAuditSnapshot(user), userAuditSnapshot(updated)),
        }),
      );
      return this.toResponse(actor, updated);
    });
    if (status !== user.status) await this.activeUsersChanged();
    if (status === 'suspended') await this.afterSuspension({ userId: user.id, actorId: actor.id, meta });
    return response;
  }
}
