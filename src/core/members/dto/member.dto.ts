import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDefined, IsString } from 'class-validator';
import type { OrganizationMemberEntity } from '../../organizations/entities/organization-member.entity.js';
import { roleDisplayName } from '../../rbac/roles.js';

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

export class OrganizationMemberWithNameResponse extends OrganizationMemberResponse {
  @ApiProperty() username: string;
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
