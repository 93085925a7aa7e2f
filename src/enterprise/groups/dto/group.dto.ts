import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  registerDecorator,
} from 'class-validator';
import { GroupEntity } from '../../../core/groups/entities/group.entity.js';
import type { GroupSummary } from '../../../core/groups/group-listing.repository.js';
import { toUserResponse, UserResponse } from '../../../core/users/dto/user.dto.js';
import type { UserEntity } from '../../../core/users/entities/user.entity.js';

/** Coder's group_name rule: letters/digits in single-hyphen-separated runs, at most 36 characters. */
export const GROUP_NAME_RE = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;
export const GROUP_NAME_MAX = 36;

/** Coder's GroupNameValid keeps `new` and `create` free for the dashboard's `/groups/new` and `/groups/create` routes. */
const RESERVED_GROUP_NAMES = new Set(['new', 'create']);

export function isReservedGroupName(name: string): boolean {
  return RESERVED_GROUP_NAMES.has(name);
}

export function isValidGroupName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= GROUP_NAME_MAX &&
    GROUP_NAME_RE.test(value) &&
    !isReservedGroupName(value)
  );
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
  return text.length > 256 ? `${text.slice(0, 256)}…` : text;
}

/**
 * Coder's `group_name` validator tag, with its detail wording; `omitEmpty` is Coder's
 * `omitempty,group_name` on PATCH, where `""` means unchanged.
 */
function IsGroupName(omitEmpty = false): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'coder:group_name',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: (args) => `Validation failed for tag "group_name" with value: "${shown(args.value)}"` },
      validator: { validate: (value: unknown) => (omitEmpty && value === '') || isValidGroupName(value) },
    });
}
export const MAX_QUOTA_ALLOWANCE = 1_000_000;
/** As many as SCIM may send at once (scim.constants.ts): identity providers sync whole groups. */
export const MAX_MEMBER_CHANGES = 10_000;

export class CreateGroupRequest {
  @ApiProperty({
    example: 'developers',
    maxLength: GROUP_NAME_MAX,
    description: 'Letters and digits in single-hyphen-separated runs; not `new` or `create`.',
  })
  @IsDefined()
  @IsGroupName()
  name: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  display_name?: string;

  @ApiPropertyOptional({ maxLength: 2048 })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  avatar_url?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_QUOTA_ALLOWANCE, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_QUOTA_ALLOWANCE)
  quota_allowance?: number;
}

/** Absent or empty `name`, `display_name` and `avatar_url` leave those fields unchanged. */
export class PatchGroupRequest {
  @ApiPropertyOptional({ description: 'Empty = unchanged. Same rule as on create.' })
  @IsOptional()
  @IsGroupName(true)
  name?: string;

  @ApiPropertyOptional({ description: 'Empty = unchanged.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  display_name?: string;

  @ApiPropertyOptional({ description: 'Empty = unchanged.' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  avatar_url?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_QUOTA_ALLOWANCE })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_QUOTA_ALLOWANCE)
  quota_allowance?: number;

  @ApiPropertyOptional({ type: [String], description: 'User ids to add (members of the organization).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_MEMBER_CHANGES)
  @IsString({ each: true })
  add_users?: string[];

  @ApiPropertyOptional({ type: [String], description: 'User ids to remove.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_MEMBER_CHANGES)
  @IsString({ each: true })
  remove_users?: string[];
}

/** Coder's current `codersdk.Group`, a superset of the 2023 shape (members stay full users). */
export class GroupResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() display_name: string;
  @ApiProperty({ format: 'uuid' }) organization_id: string;
  @ApiProperty({
    type: [UserResponse],
    description:
      "Active members; `organization_ids` is the group's organization (as Coder). `[]` with `?exclude_members=true`.",
  })
  members: UserResponse[];
  @ApiProperty({
    description:
      'Non-deleted members, suspended ones included (as Coder); counted even when `members` is excluded, so it may exceed `members.length`.',
  })
  total_member_count: number;
  @ApiProperty() avatar_url: string;
  @ApiProperty() quota_allowance: number;
  @ApiProperty({ enum: ['user', 'oidc'] }) source: string;
  @ApiProperty() organization_name: string;
  @ApiProperty() organization_display_name: string;
}

/** Coder's `codersdk.GroupMembersResponse`: one page of a group's members. */
export class GroupMembersResponse {
  @ApiProperty({ type: [UserResponse], description: 'Members of this page, by lower-cased username.' })
  users: UserResponse[];
  @ApiProperty({ description: 'Members matching the query (all pages; after `after_id` when given).' })
  count: number;
}

/**
 * A group member as the API shows it. Groups listed together share their members' objects: a
 * member of many groups of one organization is presented once (`shared`, keyed by organization,
 * then by the user entity), not once per group.
 */
export type MemberPresenter = (user: UserEntity, organizationId: string) => UserResponse;

export function sharedMemberPresenter(): MemberPresenter {
  const byOrganization = new Map<string, Map<UserEntity, UserResponse>>();
  return (user, organizationId) => {
    let users = byOrganization.get(organizationId);
    if (!users) byOrganization.set(organizationId, (users = new Map<UserEntity, UserResponse>()));
    let shown = users.get(user);
    if (!shown) users.set(user, (shown = toUserResponse(user, [organizationId])));
    return shown;
  };
}

export function toGroupResponse(
  summary: GroupSummary,
  members: UserEntity[],
  present: MemberPresenter = (user, organizationId) => toUserResponse(user, [organizationId]),
): GroupResponse {
  const group = summary.group;
  return {
    id: group.id,
    name: group.name,
    display_name: group.displayName,
    organization_id: group.organizationId,
    members: members.map((u) => present(u, group.organizationId)),
    total_member_count: summary.totalMemberCount,
    avatar_url: group.avatarUrl,
    quota_allowance: group.quotaAllowance,
    source: group.source,
    organization_name: summary.organizationName,
    organization_display_name: summary.organizationDisplayName,
  };
}

export function groupAuditSnapshot(group: GroupEntity, memberIds: string[]): Record<string, unknown> {
  return {
    id: group.id,
    name: group.name,
    display_name: group.displayName,
    avatar_url: group.avatarUrl,
    quota_allowance: group.quotaAllowance,
    members: [...memberIds].sort(),
  };
}
