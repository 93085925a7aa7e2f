import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsTemplateVersionName, IsUuidIfPresent, RequiredWithout } from '../../../common/coder-validators.js';
import { MatchedProvisionersDto, ProvisionerJobResponse } from '../../provisioning/dto/job.dto.js';
import { PROVISIONER_TYPES } from '../../provisioning/entities/provisioner-job.entity.js';

export class VariableValue {
  @ApiProperty({ maxLength: 256 })
  @IsString()
  @MaxLength(256)
  name: string;

  @ApiProperty({ maxLength: 65536 })
  @IsString()
  @MaxLength(65536)
  value: string;
}

/** `codersdk.CreateTemplateVersionRequest` (mid-2023). */
export class CreateTemplateVersionRequest {
  @ApiPropertyOptional({
    description:
      "Alphanumeric groups joined by single `_`, `.` or `-`, at most 64. A random name when absent or empty (Coder's `omitempty`).",
    example: 'v1.0.0',
  })
  @ValidateIf((_, value) => value !== undefined && value !== null && value !== '')
  @IsTemplateVersionName()
  name?: string;

  @ApiPropertyOptional({ maxLength: 1048576 })
  @IsOptional()
  @IsString()
  @MaxLength(1048576)
  message?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Attach the version to this template of the organization (the nil UUID means none).',
  })
  @IsOptional()
  @IsUUID('all')
  template_id?: string;

  @ApiProperty({ enum: ['file'] })
  @IsIn(['file'])
  storage_method: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'An uploaded file (`POST /files`). Required unless `example_id` is given.',
  })
  @RequiredWithout('example_id')
  @IsUuidIfPresent()
  file_id?: string;

  @ApiPropertyOptional({ description: 'Coder starter examples are not bundled with this server: always refused.' })
  @RequiredWithout('file_id')
  example_id?: string;

  @ApiProperty({ enum: PROVISIONER_TYPES })
  @IsIn(PROVISIONER_TYPES)
  provisioner: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Provisioner tags; `scope` defaults to `organization`.',
  })
  @IsOptional()
  @IsObject()
  tags?: Record<string, string> | null;

  @ApiPropertyOptional({ type: [VariableValue] })
  @IsOptional()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => VariableValue)
  user_variable_values?: VariableValue[];
}

/** `codersdk.MinimalUser`: `name` and `avatar_url` are always sent (empty when unset). */
export class MinimalUserResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() name: string;
  @ApiProperty() avatar_url: string;
}

/** `codersdk.TemplateVersion`. */
export class TemplateVersionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The nil UUID while the version belongs to no template (as Coder).' })
  template_id: string;
  @ApiProperty({ format: 'uuid' }) organization_id: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() name: string;
  @ApiProperty() message: string;
  @ApiProperty({ type: ProvisionerJobResponse }) job: ProvisionerJobResponse;
  @ApiProperty() readme: string;
  @ApiProperty({ type: MinimalUserResponse }) created_by: MinimalUserResponse;
  @ApiProperty({ description: 'Archived versions cannot be promoted or built.' }) archived: boolean;
  @ApiProperty({ description: 'Always false: external agents are not supported.' }) has_external_agent: boolean;
  @ApiProperty({ type: [String] }) warnings: string[];
  @ApiPropertyOptional({
    type: MatchedProvisionersDto,
    description: "Only while the version's job is pending (as Coder): the daemons that fit it.",
  })
  matched_provisioners?: MatchedProvisionersDto;
}
