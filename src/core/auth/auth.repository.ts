import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** What the hot path needs about a key and its user, fetched in one indexed query. */
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
  orgs: { id: string; roles: string[] }[];
  groupIds: string[];
}

interface KeyRow {
  id: string;
  hashed_secret: Buffer;
  user_id: string;
  last_used: Date;
  expires_at: Date;
  lifetime_seconds: string;
  login_type: string;
  scope: string;
  username: string;
  email: string;
  status: string;
  deleted: boolean;
  rbac_roles: string[];
  orgs: { id: string; roles: string[] }[];
  group_ids: string[];
}

@Injectable()
export class AuthRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Runs on every authenticated request: primary-key lookup, no ORM relations. */
  async getKeyWithUser(id: string): Promise<KeyWithUser | undefined> {
    const rows: KeyRow[] = await this.db.query(
      `SELECT k.id, k.hashed_secret, k.user_id, k.last_used, k.expires_at, k.lifetime_seconds, k.login_type,
              k.scope, u.username, u.email, u.status, u.deleted, u.rbac_roles,
              COALESCE((SELECT json_agg(json_build_object('id', m.organization_id, 'roles', m.roles))
                          FROM organization_members m WHERE m.user_id = u.id), '[]'::json) AS orgs,
              ARRAY(SELECT gm.group_id::text FROM group_members gm WHERE gm.user_id = u.id) AS group_ids
         FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE k.id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      hashedSecret: row.hashed_secret,
      userId: row.user_id,
      lastUsed: row.last_used,
      expiresAt: row.expires_at,
      lifetimeSeconds: Number(row.lifetime_seconds),
      loginType: row.login_type,
      scope: row.scope,
      username: row.username,
      email: row.email,
      status: row.status,
      deleted: row.deleted,
      siteRoles: row.rbac_roles,
      orgs: row.orgs,
      groupIds: row.group_ids,
    };
  }

  /** Records use of a key (at most hourly) and the user's last-seen time, in one statement. */
  async touchKey(id: string, lastUsed: Date, expiresAt: Date, ip: string | null): Promise<void> {
    await this.db.query(
      `WITH k AS (
         UPDATE api_keys SET last_used = $2, expires_at = $3, ip_address = $4, updated_at = now()
          WHERE id = $1 RETURNING user_id)
       UPDATE users SET last_seen_at = $2 WHERE id IN (SELECT user_id FROM k)`,
      [id, lastUsed, expiresAt, ip],
    );
  }
}
