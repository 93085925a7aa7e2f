import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';
import { GroupResponse } from '../../groups/dto/group.dto.js';
import { UserResponse } from '../../../core/users/dto/user.dto.js';

export class UpdateTemplateAclRequest {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['admin', 'use', ''] },
    description: 'User id → role; "" removes the entry. Entries not named are kept.',
    example: { '4df59e74-c027-470b-ab4d-cbba8963a5e9': 'use' },
  })
  @IsOptional()
  @IsObject()
  user_perms?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['admin', 'use', ''] },
    description: 'Group id → role; "" removes the entry. The organization id is the Everyone group.',
  })
  @IsOptional()
  @IsObject()
  group_perms?: Record<string, unknown>;
}

export class TemplateUserResponse extends UserResponse {
  @ApiProperty({ enum: ['admin', 'use'] }) role: string;
}

export class TemplateGroupResponse extends GroupResponse {
  @ApiProperty({ enum: ['admin', 'use'] }) role: string;
}

/** Coder's `codersdk.TemplateACL` (an object; the page's array is an annotation error). */
export class TemplateAclResponse {
  @ApiProperty({ type: [TemplateUserResponse] }) users: TemplateUserResponse[];
  @ApiProperty({ type: [TemplateGroupResponse], description: 'Singular key, as Coder.' })
  group: TemplateGroupResponse[];
}

/** Coder's `codersdk.ACLAvailable` (2023 shape: full users, groups with their members). */
export class AclAvailableResponse {
  @ApiProperty({
    type: [UserResponse],
    description: "Members of the template's organization matching `q`, a page at a time.",
  })
  users: UserResponse[];
  @ApiProperty({ type: [GroupResponse], description: "Every group of the template's organization, Everyone included." })
  groups: GroupResponse[];
}
