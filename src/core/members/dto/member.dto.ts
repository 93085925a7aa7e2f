import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDefined, IsString } from 'class-validator';
import type { OrganizationMemberEntity } from '../../organizations/entities/organization-member.entity.js';
import type { MemberWithUser } from '../../organizations/member-rows.query.js';
import { roleDisplayName } from '../../rbac/roles.js';
import { RoleResponse } from '../../users/dto/user.dto.js';
import { LOGIN_TYPES, USER_STATUSES, type LoginType, type UserStatus } from '../../users/entities/user.entity.js';

export class SlimRoleResponse {
  @ApiProperty({ example: 'organization-admin' }) name: string;
  @ApiProperty({ example: 'Organization Admin' }) display_name: string;
  @ApiProperty({ format: 'uuid' }) organization_id: string;
}

export class OrganizationMemberResponse {
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty({ format: 'uuid' }) organization_id: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({
    type: [SlimRoleResponse],
    description: 'Explicit organization roles; `organization-member` is implied.',
  })
  roles: SlimRoleResponse[];
}

/** `codersdk.OrganizationMemberWithUserData`: the membership and its user's public fields. */
export class OrganizationMemberWithUserDataResponse extends OrganizationMemberResponse {
  @ApiProperty() username: string;
  @ApiProperty() name: string;
  @ApiProperty() avatar_url: string;
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty({ enum: USER_STATUSES }) status: UserStatus;
  @ApiProperty({ enum: LOGIN_TYPES }) login_type: LoginType;
  @ApiProperty({ format: 'date-time' }) last_seen_at: string;
  @ApiProperty({ format: 'date-time' }) user_created_at: string;
  @ApiProperty({ format: 'date-time' }) user_updated_at: string;
  @ApiProperty({ description: 'Always false: this server has no service accounts.' }) is_service_account: boolean;
  @ApiProperty({ type: [RoleResponse], description: "The user's explicit site roles; `member` is implied." })
  global_roles: RoleResponse[];
  @ApiProperty({ description: 'Always false: this server has no AI seats.' }) has_ai_seat: boolean;
}

/** `codersdk.PaginatedMembersResponse`. */
export class PaginatedMembersResponse {
  @ApiProperty({ type: [OrganizationMemberWithUserDataResponse] }) members: OrganizationMemberWithUserDataResponse[];
  @ApiProperty({ description: 'Members matching the query (all pages), also for a page past the end (Coder: 0).' })
  count: number;
}

export class UpdateMemberRolesRequest {
  @ApiProperty({
    type: [String],
    example: ['organization-admin'],
    description: 'The complete set; `organization-admin` or `organization-admin:<organization id>`.',
  })
  @IsDefined()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  roles: string[];
}

export function toMemberWithUserDataResponse({ member, user }: MemberWithUser): OrganizationMemberWithUserDataResponse {
  return {
    ...toMemberResponse(member),
    username: user.username,
    name: user.name,
    avatar_url: user.avatarUrl,
    email: user.email,
    status: user.status,
    login_type: user.loginType,
    last_seen_at: user.lastSeenAt.toISOString(),
    user_created_at: user.createdAt.toISOString(),
    user_updated_at: user.updatedAt.toISOString(),
    is_service_account: false,
    global_roles: user.rbacRoles.map((name) => ({ name, display_name: roleDisplayName(name) })),
    has_ai_seat: false,
  };
}

export function toMemberResponse(member: OrganizationMemberEntity): OrganizationMemberResponse {
  return {
    user_id: member.userId,
    organization_id: member.organizationId,
    created_at: member.createdAt.toISOString(),
    updated_at: member.updatedAt.toISOString(),
    roles: member.roles.map((name) => ({
      name,
      display_name: roleDisplayName(name),
      organization_id: member.organizationId,
    })),
  };
}
