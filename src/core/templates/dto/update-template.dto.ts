import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsCoderNameTagged, IsTemplateDisplayName, IsTemplateVersionName } from '../../../common/coder-validators.js';
import { CORS_BEHAVIORS, PORT_SHARE_LEVELS } from '../template-enums.js';
import { AutostartRequirement, RestartRequirement } from './template.dto.js';

const present = (_: object, value: unknown) => value !== undefined && value !== null && value !== '';

/**
 * `codersdk.UpdateTemplateMeta`, in its 2025 form where every field is optional: a field left out
 * (or `null`) keeps its value. Also accepts the mid-2023 names (`max_ttl_ms`, `restart_requirement`,
 * `inactivity_ttl_ms`, `locked_ttl_ms`) the 2023 dashboard sends.
 */
export class UpdateTemplateMetaRequest {
  @ApiPropertyOptional({ description: 'Rename (unique in the organization); empty = unchanged.' })
  @ValidateIf(present)
  @IsCoderNameTagged('template_name')
  name?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsTemplateDisplayName()
  display_name?: string;

  @ApiPropertyOptional({ maxLength: 65536 })
  @IsOptional()
  @IsString()
  @MaxLength(65536)
  description?: string;

  @ApiPropertyOptional({ maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  icon?: string;

  @ApiPropertyOptional({ description: 'Milliseconds (0 = none).' })
  @IsOptional()
  @IsInt()
  default_ttl_ms?: number;

  @ApiPropertyOptional({ description: 'Mid-2023: the longest a workspace may run, in milliseconds (0 = unlimited).' })
  @IsOptional()
  @IsInt()
  max_ttl_ms?: number;

  @ApiPropertyOptional({ description: 'Milliseconds (0 = activity does not move the deadline).' })
  @IsOptional()
  @IsInt()
  activity_bump_ms?: number;

  @ApiPropertyOptional({
    description:
      'Milliseconds before the autostop deadline at which Coder sends a reminder: 0 or at least a minute. Stored; this server sends no notifications.',
  })
  @IsOptional()
  @IsInt()
  time_til_autostop_notify_ms?: number;

  @ApiPropertyOptional({ type: RestartRequirement })
  @IsOptional()
  @ValidateNested()
  @Type(() => RestartRequirement)
  autostop_requirement?: RestartRequirement;

  @ApiPropertyOptional({ type: RestartRequirement, description: 'The mid-2023 name of `autostop_requirement`.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RestartRequirement)
  restart_requirement?: RestartRequirement;

  @ApiPropertyOptional({ type: AutostartRequirement, description: 'An empty list allows autostart on no day.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AutostartRequirement)
  autostart_requirement?: AutostartRequirement;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  allow_user_autostart?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  allow_user_autostop?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  allow_user_cancel_workspace_jobs?: boolean;

  @ApiPropertyOptional({ description: 'Milliseconds; 0 or at least one minute.' })
  @IsOptional()
  @IsInt()
  failure_ttl_ms?: number;

  @ApiPropertyOptional({ description: 'Milliseconds; 0 or at least one minute.' })
  @IsOptional()
  @IsInt()
  time_til_dormant_ms?: number;

  @ApiPropertyOptional({ description: 'Milliseconds; 0 or at least one minute.' })
  @IsOptional()
  @IsInt()
  time_til_dormant_autodelete_ms?: number;

  @ApiPropertyOptional({ description: 'The mid-2023 name of `time_til_dormant_ms`.' })
  @IsOptional()
  @IsInt()
  inactivity_ttl_ms?: number;

  @ApiPropertyOptional({ description: 'The mid-2023 name of `time_til_dormant_autodelete_ms`.' })
  @IsOptional()
  @IsInt()
  locked_ttl_ms?: number;

  @ApiPropertyOptional({ description: 'Accepted; there is no dormancy here, so it changes nothing.' })
  @IsOptional()
  @IsBoolean()
  update_workspace_last_used_at?: boolean;

  @ApiPropertyOptional({ description: 'Accepted; there is no dormancy here, so it changes nothing.' })
  @IsOptional()
  @IsBoolean()
  update_workspace_dormant_at?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  require_active_version?: boolean;

  @ApiPropertyOptional({
    maxLength: 65536,
    description: 'Non-empty deprecates the template (no new workspaces); empty undeprecates it.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(65536)
  deprecation_message?: string;

  @ApiPropertyOptional({ description: 'true removes the Everyone group from the ACL; false changes nothing.' })
  @IsOptional()
  @IsBoolean()
  disable_everyone_group_access?: boolean;

  @ApiPropertyOptional({ enum: PORT_SHARE_LEVELS })
  @IsOptional()
  @IsString()
  max_port_share_level?: string;

  @ApiPropertyOptional({ enum: CORS_BEHAVIORS, description: 'Empty = unchanged.' })
  @IsOptional()
  @IsString()
  cors_behavior?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  use_classic_parameter_flow?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  agents_allowed?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  disable_module_cache?: boolean;
}

/** `codersdk.UpdateActiveTemplateVersion`. */
export class UpdateActiveTemplateVersionRequest {
  @ApiProperty({ format: 'uuid', description: 'A version of this template whose import succeeded.' })
  @IsDefined()
  @IsUUID('all')
  id: string;
}

/** `codersdk.PatchTemplateVersionRequest`. */
export class PatchTemplateVersionRequest {
  @ApiPropertyOptional({ description: 'Unique within the template; empty = unchanged.', example: 'v1.0.1' })
  @ValidateIf(present)
  @IsTemplateVersionName()
  name?: string;

  @ApiPropertyOptional({ maxLength: 1048576, description: 'Left out = unchanged.' })
  @IsOptional()
  @IsString()
  @MaxLength(1048576)
  message?: string;
}
