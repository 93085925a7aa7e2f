import { ApiProperty } from '@nestjs/swagger';
import { roleDisplayName } from '../../rbac/roles.js';
import { USER_STATUSES, type LoginType, type UserEntity, type UserStatus } from '../entities/user.entity.js';

export class RoleResponse {
  @ApiProperty({ example: 'owner' }) name: string;
  @ApiProperty({ example: 'Owner' }) display_name: string;
}

/**
 * `codersdk.User` (plus `login_type`, `name`, `updated_at`, `is_service_account`, `has_ai_seat` of later Coder
 * versions; not the deprecated `theme_preference`, which Coder no longer fills and omits when empty).
 */
export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ format: 'date-time' }) last_seen_at: string;
  @ApiProperty({ enum: USER_STATUSES }) status: UserStatus;
  @ApiProperty({ enum: ['password', 'github', 'oidc', 'token', 'none'] }) login_type: LoginType;
  @ApiProperty({ type: [String], format: 'uuid' }) organization_ids: string[];
  @ApiProperty({ type: [RoleResponse], description: 'Explicit site roles; `member` is implied.' })
  roles: RoleResponse[];
  @ApiProperty() avatar_url: string;
  @ApiProperty({ description: 'Always false: this server has no service accounts.' }) is_service_account: boolean;
  @ApiProperty({ description: 'Always false: this server has no AI seats.' }) has_ai_seat: boolean;
}

export class UsersListResponse {
  @ApiProperty({ type: [UserResponse] }) users: UserResponse[];
  @ApiProperty({ description: 'Users matching the query (all pages).' }) count: number;
}

export function toUserResponse(user: UserEntity, organizationIds: string[]): UserResponse {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    email: user.email,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
    last_seen_at: user.lastSeenAt.toISOString(),
    status: user.status,
    login_type: user.loginType,
    organization_ids: organizationIds,
    roles: user.rbacRoles.map((name) => ({ name, display_name: roleDisplayName(name) })),
    avatar_url: user.avatarUrl,
    is_service_account: false,
    has_ai_seat: false,
  };
}

/** The audit snapshot of a user: secrets are flagged, not copied. */
export function userAuditSnapshot(user: UserEntity): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    email: user.email,
    status: user.status,
    rbac_roles: user.rbacRoles,
    login_type: user.loginType,
    avatar_url: user.avatarUrl,
    deleted: user.deleted,
    hashed_password: user.hashedPassword === null ? null : 'set',
  };
}
