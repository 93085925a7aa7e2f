import { UserEntity, type LoginType, type UserStatus } from './user.entity.js';

/**
 * Every column of `users` aliased `u`, as `u_<column>`: for the statements on the request path
 * that read whole users next to other tables (the session lookup, group members) without the
 * ORM's query builder, whose SQL generation and row hydration were most of those routes' ORM cost
 * (`npm run bench -- profile`). `userFromRow` reads them back.
 */
export const USER_COLUMNS_SQL = `u.id AS u_id, u.email AS u_email, u.username AS u_username, u.name AS u_name,
       u.hashed_password AS u_hashed_password, u.created_at AS u_created_at, u.updated_at AS u_updated_at,
       u.status AS u_status, u.rbac_roles AS u_rbac_roles, u.login_type AS u_login_type,
       u.avatar_url AS u_avatar_url, u.deleted AS u_deleted, u.last_seen_at AS u_last_seen_at,
       u.quiet_hours_schedule AS u_quiet_hours_schedule`;

/** A row carrying USER_COLUMNS_SQL. */
export interface UserRow {
  u_id: string;
  u_email: string;
  u_username: string;
  u_name: string;
  u_hashed_password: string | null;
  u_created_at: Date;
  u_updated_at: Date;
  u_status: UserStatus;
  u_rbac_roles: string[];
  u_login_type: LoginType;
  u_avatar_url: string;
  u_deleted: boolean;
  u_last_seen_at: Date;
  u_quiet_hours_schedule: string;
}

/** The user a row of USER_COLUMNS_SQL holds, as the ORM would have loaded it. */
export function userFromRow(row: UserRow): UserEntity {
  const user = new UserEntity();
  user.id = row.u_id;
  user.email = row.u_email;
  user.username = row.u_username;
  user.name = row.u_name;
  user.hashedPassword = row.u_hashed_password;
  user.createdAt = row.u_created_at;
  user.updatedAt = row.u_updated_at;
  user.status = row.u_status;
  user.rbacRoles = row.u_rbac_roles;
  user.loginType = row.u_login_type;
  user.avatarUrl = row.u_avatar_url;
  user.deleted = row.u_deleted;
  user.lastSeenAt = row.u_last_seen_at;
  user.quietHoursSchedule = row.u_quiet_hours_schedule;
  return user;
}
