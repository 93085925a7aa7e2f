import { Injectable } from '@nestjs/common';
import { Brackets, In, Not } from 'typeorm';
import type { Pagination } from '../../common/query.js';
import { Database } from '../../database/database.js';
import { UserEntity, type UserStatus } from './entities/user.entity.js';
import { type UserFilter, userFilterConditions } from '../search/user-search.js';

/**
 * Who may be listed: everyone, only the actor and the members of its organizations, or (for the
 * template ACL's user picker) the members of one organization.
 */
export type UserVisibility = { all: true } | { all: false; actorId: string } | { all: false; organizationId: string };

/** A user the dormancy job marked. */
export interface DormantMark {
  id: string;
  username: string;
  last_seen_at: Date;
}

/** Coder's MinimalUser: what other resources show of a user. */
export interface MinimalUser {
  id: string;
  username: string;
  name: string;
  avatar_url: string;
}

/** Serializes first-user setup across requests and replicas (pg_advisory_xact_lock key). */
const FIRST_USER_LOCK = 7_245_001;

/** The one owner of `users`: every read and write of the table goes through here. */
@Injectable()
export class UsersRepository {
  constructor(private readonly db: Database) {}

  getUserById(id: string): Promise<UserEntity | null> {
    return this.db.manager.findOneBy(UserEntity, { id, deleted: false });
  }

  getUserByUsername(username: string): Promise<UserEntity | null> {
    return this.db.manager
      .createQueryBuilder(UserEntity, 'u')
      .where('lower(u.username) = lower(:username) AND u.deleted = false', { username })
      .getOne();
  }

  getUserByEmail(email: string): Promise<UserEntity | null> {
    return this.db.manager
      .createQueryBuilder(UserEntity, 'u')
      .where('lower(u.email) = lower(:email) AND u.deleted = false', { email })
      .getOne();
  }

  getUserByEmailOrUsername(email: string, username: string): Promise<UserEntity | null> {
    return this.db.manager
      .createQueryBuilder(UserEntity, 'u')
      .where('u.deleted = false')
      .andWhere('(lower(u.email) = lower(:email) OR lower(u.username) = lower(:username))', { email, username })
      .getOne();
  }

  countUsers(): Promise<number> {
    return this.db.manager.countBy(UserEntity, { deleted: false });
  }

  /** Held until the surrounding transaction ends: one first-user setup at a time. */
  async lockFirstUserSetup(): Promise<void> {
    await this.db.manager.query('SELECT pg_advisory_xact_lock($1)', [FIRST_USER_LOCK]);
  }

  async insertUser(user: UserEntity): Promise<UserEntity> {
    await this.db.manager.insert(UserEntity, user);
    return user;
  }

  /** One page of users in Coder's order (lower(username)), with the total number matching. */
  async listUsers(filter: UserFilter, visibility: UserVisibility, page: Pagination) {
    const qb = this.db.manager.createQueryBuilder(UserEntity, 'u').where('u.deleted = false');
    if (!visibility.all && 'organizationId' in visibility) {
      qb.andWhere(
        'EXISTS (SELECT 1 FROM organization_members m WHERE m.user_id = u.id AND m.organization_id = :orgId)',
        {
          orgId: visibility.organizationId,
        },
      );
    } else if (!visibility.all) {
      qb.andWhere(
        new Brackets((w) =>
          w.where('u.id = :actorId').orWhere(
            `EXISTS (SELECT 1 FROM organization_members a JOIN organization_members b
                      ON a.organization_id = b.organization_id
                     WHERE a.user_id = u.id AND b.user_id = :actorId)`,
          ),
        ),
        { actorId: visibility.actorId },
      );
    }
    const bound: Record<string, unknown> = {};
    for (const condition of userFilterConditions(filter, (value) => {
      const name = `uf${Object.keys(bound).length}`;
      bound[name] = value;
      return `:${name}`;
    })) {
      qb.andWhere(condition, bound);
    }
    // As in Coder, `after_id` is part of the filter, so `count` counts the users after the cursor.
    if (page.afterId) {
      qb.andWhere('lower(u.username) > (SELECT lower(x.username) FROM users x WHERE x.id = :afterId)', {
        afterId: page.afterId,
      });
    }
    const count = await qb.clone().getCount();
    const users = await qb
      .orderBy('lower(u.username)', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .offset(page.offset)
      .limit(page.limit)
      .getMany();
    return { users, count };
  }

  async updateStatus(id: string, status: UserStatus): Promise<UserEntity> {
    await this.db.manager.update(UserEntity, { id }, { status, updatedAt: new Date() });
    return this.db.manager.findOneByOrFail(UserEntity, { id });
  }

  async updateSiteRoles(id: string, roles: string[]): Promise<UserEntity> {
    await this.db.manager.update(UserEntity, { id }, { rbacRoles: roles, updatedAt: new Date() });
    return this.db.manager.findOneByOrFail(UserEntity, { id });
  }

  async updateProfile(id: string, profile: { username: string; name: string; avatarUrl: string }): Promise<UserEntity> {
    await this.db.manager.update(UserEntity, { id }, { ...profile, updatedAt: new Date() });
    return this.db.manager.findOneByOrFail(UserEntity, { id });
  }

  async updatePassword(id: string, hashedPassword: string): Promise<void> {
    await this.db.manager.update(UserEntity, { id }, { hashedPassword, updatedAt: new Date() });
  }

  async updateQuietHoursSchedule(id: string, schedule: string): Promise<void> {
    await this.db.manager.query('UPDATE users SET quiet_hours_schedule = $2, updated_at = now() WHERE id = $1', [
      id,
      schedule,
    ]);
  }

  /** The last time the user was seen, written when one of its keys is used (src/core/auth). */
  async updateLastSeen(id: string, lastSeenAt: Date): Promise<void> {
    await this.db.manager.query('UPDATE users SET last_seen_at = $2 WHERE id = $1', [id, lastSeenAt]);
  }

  /**
   * Coder's UpdateInactiveUsersToDormant: one statement, so replicas running it at once each mark
   * (and report) a user at most once; the status check is re-read under the row lock.
   */
  async markInactiveUsersDormant(seenBefore: Date): Promise<DormantMark[]> {
    // Wrapped in a SELECT: the ORM answers a bare UPDATE ... RETURNING as [rows, count].
    return this.db.manager.query(
      `WITH marked AS (
         UPDATE users SET status = 'dormant', updated_at = now()
          WHERE status = 'active' AND deleted = false AND last_seen_at < $1
         RETURNING id, username, last_seen_at)
       SELECT id, username, last_seen_at FROM marked`,
      [seenBefore],
    );
  }

  /** A dormant user back to active, seen now (Coder's `UserIsSeen`); false when it was not dormant. */
  async activateDormantUser(id: string): Promise<boolean> {
    const rows: { id: string }[] = await this.db.manager.query(
      `WITH woken AS (
         UPDATE users SET status = 'active', updated_at = now(), last_seen_at = now()
          WHERE id = $1 AND status = 'dormant' RETURNING id)
       SELECT id FROM woken`,
      [id],
    );
    return rows.length > 0;
  }

  /** Soft delete: rows referencing the user stay valid. */
  async softDeleteUser(id: string): Promise<void> {
    await this.db.manager.update(UserEntity, { id }, { deleted: true, updatedAt: new Date() });
  }

  /** Which of `usernames` non-deleted users hold, lower-cased (SCIM derives a free one). */
  async takenUsernames(usernames: string[]): Promise<Set<string>> {
    const rows: { name: string }[] = await this.db.manager.query(
      `SELECT lower(username) AS name FROM users WHERE deleted = false AND lower(username) = ANY($1::text[])`,
      [usernames.map((u) => u.toLowerCase())],
    );
    return new Set(rows.map((r) => r.name));
  }

  /** The email and name an identity provider gives a user (SCIM). */
  async updateEmailAndName(id: string, fields: { email: string; name: string }): Promise<void> {
    await this.db.manager.update(UserEntity, { id }, { ...fields, updatedAt: new Date() });
  }

  /**
   * Active, non-deleted users: the figure the license user limit counts (licensing). Kept by
   * triggers on `users` in `user_counts` (migration ActiveUserCount), so it costs one row however
   * many users there are; equal to `count(*) ... WHERE status = 'active' AND deleted = false`.
   */
  async countActiveUsers(): Promise<number> {
    const rows: { n: number }[] = await this.db.manager.query(`SELECT active::int AS n FROM user_counts`);
    return rows[0].n;
  }

  /** id, username and avatar of each user, deleted ones included (they still created things: templates, versions). */
  async minimalUsersByIds(ids: string[]): Promise<Map<string, MinimalUser>> {
    const out = new Map<string, MinimalUser>();
    const unique = [...new Set(ids)];
    if (unique.length === 0) return out;
    const rows: MinimalUser[] = await this.db.manager.query(
      'SELECT id, username, name, avatar_url FROM users WHERE id = ANY($1::uuid[])',
      [unique],
    );
    for (const r of rows) out.set(r.id, r);
    return out;
  }

  /**
   * The non-deleted users among `ids` that are not suspended (active or dormant: a dormant user
   * keeps its access), the ones the template ACL lists, as Coder's GetTemplateUserRoles.
   */
  listActiveUsersByIds(ids: string[]): Promise<UserEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.manager.findBy(UserEntity, { id: In(ids), deleted: false, status: Not('suspended') });
  }
}
