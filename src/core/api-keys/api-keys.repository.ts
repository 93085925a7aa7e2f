import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database.js';
import { ApiKeyEntity } from './entities/api-key.entity.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import { USER_COLUMNS_SQL, userFromRow, type UserRow } from '../users/entities/user-row.js';
import { explicitGroupIdsSql } from '../groups/group-membership.sql.js';

/** What the per-request authentication needs about a key and its user, fetched in one indexed query. */
export interface KeyWithUser {
  id: string;
  hashedSecret: Buffer;
  userId: string;
  lastUsed: Date;
  expiresAt: Date;
  lifetimeSeconds: number;
  loginType: string;
  scope: string;
  username: string;
  email: string;
  status: string;
  deleted: boolean;
  siteRoles: string[];
  /** Ordered as the user's memberships are everywhere: by when they were made, then by id. */
  orgs: { id: string; roles: string[] }[];
  groupIds: string[];
  /** The key's user, whole: read in the same statement, so `me` needs no second read. */
  user: UserEntity;
}

interface KeyRow extends UserRow {
  id: string;
  hashed_secret: Buffer;
  last_used: Date;
  expires_at: Date;
  lifetime_seconds: string;
  login_type: string;
  scope: string;
  orgs: { id: string; roles: string[] }[];
  group_ids: string[];
}

/** The one owner of `api_keys`: session keys and long-lived tokens. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly db: Database) {}

  async insertApiKey(key: ApiKeyEntity): Promise<ApiKeyEntity> {
    await this.db.manager.insert(ApiKeyEntity, key);
    return key;
  }

  getApiKeyById(id: string): Promise<ApiKeyEntity | null> {
    return this.db.manager.findOneBy(ApiKeyEntity, { id });
  }

  getTokenByName(userId: string, tokenName: string): Promise<ApiKeyEntity | null> {
    return this.db.manager.findOneBy(ApiKeyEntity, { userId, tokenName, loginType: 'token' });
  }

  /**
   * Runs on every authenticated request: a primary-key lookup, no ORM relations. The key's user,
   * organization memberships and explicit group memberships come in the same statement: one round
   * trip per request, so this read stays here rather than being split among the tables' owners.
   */
  async getKeyWithUser(id: string): Promise<KeyWithUser | undefined> {
    const rows: KeyRow[] = await this.db.select(
      `SELECT k.id, k.hashed_secret, k.last_used, k.expires_at, k.lifetime_seconds, k.login_type, k.scope,
              ${USER_COLUMNS_SQL},
              COALESCE((SELECT json_agg(json_build_object('id', m.organization_id, 'roles', m.roles)
                                        ORDER BY m.created_at, m.organization_id)
                          FROM organization_members m WHERE m.user_id = u.id), '[]'::json) AS orgs,
              ${explicitGroupIdsSql('u.id')} AS group_ids
         FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE k.id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      hashedSecret: row.hashed_secret,
      userId: row.u_id,
      lastUsed: row.last_used,
      expiresAt: row.expires_at,
      lifetimeSeconds: Number(row.lifetime_seconds),
      loginType: row.login_type,
      scope: row.scope,
      username: row.u_username,
      email: row.u_email,
      status: row.u_status,
      deleted: row.u_deleted,
      siteRoles: row.u_rbac_roles,
      orgs: row.orgs,
      groupIds: row.group_ids,
      user: userFromRow(row),
    };
  }

  /** Records use of a key; false when the key no longer exists. */
  async touchKey(id: string, lastUsed: Date, expiresAt: Date, ip: string | null): Promise<boolean> {
    const rows: unknown[] = await this.db.manager.query(
      `UPDATE api_keys SET last_used = $2, expires_at = $3, ip_address = $4, updated_at = now()
        WHERE id = $1 RETURNING id`,
      [id, lastUsed, expiresAt, ip],
    );
    return rows.length > 0;
  }

  /** Long-lived tokens (login_type `token`), of one user or of everyone, with owner usernames. */
  async listTokens(userId: string | undefined): Promise<(ApiKeyEntity & { username: string })[]> {
    const qb = this.db.manager
      .createQueryBuilder(ApiKeyEntity, 'k')
      .innerJoin('users', 'u', 'u.id = k.user_id')
      .addSelect('u.username', 'username')
      .where("k.login_type = 'token'")
      .orderBy('k.created_at', 'ASC')
      .addOrderBy('k.id', 'ASC');
    if (userId) qb.andWhere('k.user_id = :userId', { userId });
    const { entities, raw } = await qb.getRawAndEntities<{ username: string }>();
    return entities.map((k, i) => Object.assign(k, { username: raw[i].username }));
  }

  async deleteApiKey(id: string): Promise<void> {
    await this.db.manager.delete(ApiKeyEntity, { id });
  }

  async deleteApplicationConnectKeys(userId: string): Promise<void> {
    await this.db.manager.delete(ApiKeyEntity, { userId, scope: 'application_connect' });
  }

  /** Every session and token of a user. */
  async deleteKeysOfUser(userId: string): Promise<void> {
    await this.db.manager.delete(ApiKeyEntity, { userId });
  }
}
