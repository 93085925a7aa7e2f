import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, type DataSource, type EntityManager } from 'typeorm';
import type { Pagination } from '../../common/query.js';
import { UserEntity, type UserStatus } from './entities/user.entity.js';
import type { UserFilter } from './user-search.js';

/**
 * Who may be listed: everyone, only the actor and the members of its organizations, or (for the
 * template ACL's user picker) the members of one organization.
 */
export type UserVisibility = { all: true } | { all: false; actorId: string } | { all: false; organizationId: string };

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  getUserById(id: string, manager: EntityManager = this.db.manager): Promise<UserEntity | null> {
    return manager.findOneBy(UserEntity, { id, deleted: false });
  }

  getUserByUsername(username: string, manager: EntityManager = this.db.manager): Promise<UserEntity | null> {
    return manager
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

  getUserByEmailOrUsername(email: string, username: string, manager: EntityManager = this.db.manager) {
    return manager
      .createQueryBuilder(UserEntity, 'u')
      .where('u.deleted = false')
      .andWhere('(lower(u.email) = lower(:email) OR lower(u.username) = lower(:username))', { email, username })
      .getOne();
  }

  async countUsers(manager: EntityManager = this.db.manager): Promise<number> {
    return manager.countBy(UserEntity, { deleted: false });
  }

  async insertUser(manager: EntityManager, user: UserEntity): Promise<UserEntity> {
    await manager.insert(UserEntity, user);
    return user;
  }

  /** One page of users in Coder's order (lower(username)), with the total number matching. */
  async listUsers(filter: UserFilter, visibility: UserVisibility, page: Pagination) {
    const qb = this.db.manager.createQueryBuilder(UserEntity, 'u').where('u.deleted = false');
    if (!visibility.all && 'organizationId' in visibility) {
      qb.andWhere('EXISTS (SELECT 1 FROM organization_members m WHERE m.user_id = u.id AND m.organization_id = :orgId)', {
        orgId: visibility.organizationId,
      });
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
    if (filter.search) {
      qb.andWhere("(u.username ILIKE :search ESCAPE '\\' OR u.email ILIKE :search ESCAPE '\\')", {
        search: `%${escapeLike(filter.search)}%`,
      });
    }
    if (filter.statuses?.length) qb.andWhere('u.status = ANY(:statuses)', { statuses: filter.statuses });
    if (filter.roles?.length && !filter.roles.includes('member')) {
      qb.andWhere('u.rbac_roles && CAST(:roles AS text[])', { roles: filter.roles });
    }
    if (filter.lastSeenAfter) qb.andWhere('u.last_seen_at > :lsa', { lsa: filter.lastSeenAfter });
    if (filter.lastSeenBefore) qb.andWhere('u.last_seen_at < :lsb', { lsb: filter.lastSeenBefore });
    if (filter.createdAfter) qb.andWhere('u.created_at > :ca', { ca: filter.createdAfter });
    if (filter.createdBefore) qb.andWhere('u.created_at < :cb', { cb: filter.createdBefore });
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

  async updateStatus(manager: EntityManager, id: string, status: UserStatus): Promise<UserEntity> {
    await manager.update(UserEntity, { id }, { status, updatedAt: new Date() });
    return manager.findOneByOrFail(UserEntity, { id });
  }

  async updateSiteRoles(manager: EntityManager, id: string, roles: string[]): Promise<UserEntity> {
    await manager.update(UserEntity, { id }, { rbacRoles: roles, updatedAt: new Date() });
    return manager.findOneByOrFail(UserEntity, { id });
  }

  async updateProfile(manager: EntityManager, id: string, profile: { username: string; name: string; avatarUrl: string }) {
    await manager.update(UserEntity, { id }, { ...profile, updatedAt: new Date() });
    return manager.findOneByOrFail(UserEntity, { id });
  }

  async updatePassword(manager: EntityManager, id: string, hashedPassword: string): Promise<void> {
    await manager.update(UserEntity, { id }, { hashedPassword, updatedAt: new Date() });
  }

  /** Soft delete (rows referencing the user stay valid); sessions and tokens are removed. */
  async softDeleteUser(manager: EntityManager, id: string): Promise<void> {
    await manager.update(UserEntity, { id }, { deleted: true, updatedAt: new Date() });
    await manager.query('DELETE FROM api_keys WHERE user_id = $1', [id]);
  }
}
