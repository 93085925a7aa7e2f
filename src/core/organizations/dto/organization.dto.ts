import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsCoderName } from '../../../common/validation.js';
import type { OrganizationEntity } from '../entities/organization.entity.js';

export class CreateOrganizationRequest {
  @ApiProperty({ description: 'Unique name: letters, digits and single hyphens, at most 32.', example: 'my-org' })
  @IsDefined()
  @IsCoderName()
  name: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  display_name?: string;

  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  description?: string;

  @ApiPropertyOptional({ maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  icon?: string;
}

export class OrganizationResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() display_name: string;
  @ApiProperty() description: string;
  @ApiProperty() icon: string;
  @ApiProperty({ description: 'The organization created with the first user.' }) is_default: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({
    type: [String],
    example: [],
    description:
      'Roles every member holds beyond `organization-member`. Always empty: this server has no such roles ' +
      "(Coder's `organization-workspace-access`, its default, is part of `organization-member` here) and no " +
      'route to set them.',
  })
  default_org_member_roles: string[];
}

export function toOrganizationResponse(org: OrganizationEntity): OrganizationResponse {
  return {
    id: org.id,
    name: org.name,
    display_name: org.displayName,
    description: org.description,
    icon: org.icon,
    is_default: org.isDefault,
    created_at: org.createdAt.toISOString(),
    updated_at: org.updatedAt.toISOString(),
    default_org_member_roles: [],
  };
}
