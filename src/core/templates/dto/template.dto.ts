import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsCoderNameTagged, IsTemplateDisplayName } from '../../../common/coder-validators.js';
import { CORS_BEHAVIORS, PORT_SHARE_LEVELS } from '../template-enums.js';

/** `codersdk.TemplateAutostartRequirement`: the weekdays on which workspaces may autostart. */
export class AutostartRequirement {
  @ApiProperty({
    type: [String],
    example: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
    description: 'English weekday names.',
  })
  @IsString({ each: true })
  @ArrayMaxSize(7)
  days_of_week: string[];
}

export class RestartRequirement {
  @ApiProperty({ type: [String], example: ['saturday', 'sunday'], description: 'Lower-case English weekday names.' })
  @IsString({ each: true })
  @ArrayMaxSize(7)
  days_of_week: string[];

  @ApiProperty({ example: 1 })
  @IsInt()
  weeks: number;
}

/**
 * `codersdk.CreateTemplateRequest` (mid-2023), also accepting the late-2023 names of three fields
 * (`autostop_requirement`, `time_til_dormant_ms`, `time_til_dormant_autodelete_ms`).
 */
export class CreateTemplateRequest {
  @ApiProperty({
    description: 'Letters, digits and single hyphens, at most 32; unique in the organization.',
    example: 'docker',
  })
  @IsDefined()
  @IsCoderNameTagged('template_name')
  name: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsTemplateDisplayName()
  display_name?: string;

  @ApiPropertyOptional({ maxLength: 127 })
  @IsOptional()
  @IsString()
  @MaxLength(127)
  description?: string;

  @ApiPropertyOptional({ maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  icon?: string;

  @ApiProperty({ format: 'uuid', description: 'A version of this organization not yet part of a template.' })
  @IsDefined()
  @IsUUID('all')
  template_version_id: string;

  @ApiPropertyOptional({ description: 'Default time until a workspace shuts down, in milliseconds (0 = none).' })
  @IsOptional()
  @IsInt()
  default_ttl_ms?: number | null;

  @ApiPropertyOptional({ description: 'Longest time a workspace may run, in milliseconds (0 = unlimited).' })
  @IsOptional()
  @IsInt()
  max_ttl_ms?: number | null;

  @ApiPropertyOptional({ type: RestartRequirement })
  @IsOptional()
  @ValidateNested()
  @Type(() => RestartRequirement)
  restart_requirement?: RestartRequirement | null;

  @ApiPropertyOptional({ type: RestartRequirement, description: 'The late-2023 name of `restart_requirement`.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RestartRequirement)
  autostop_requirement?: RestartRequirement | null;

  @ApiPropertyOptional({ description: 'Default false.' })
  @IsOptional()
  @IsBoolean()
  allow_user_cancel_workspace_jobs?: boolean | null;

  @ApiPropertyOptional({ description: 'Default true.' })
  @IsOptional()
  @IsBoolean()
  allow_user_autostart?: boolean | null;

  @ApiPropertyOptional({ description: 'Default true.' })
  @IsOptional()
  @IsBoolean()
  allow_user_autostop?: boolean | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  failure_ttl_ms?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  inactivity_ttl_ms?: number | null;

  @ApiPropertyOptional({ description: 'The late-2023 name of `inactivity_ttl_ms`.' })
  @IsOptional()
  @IsInt()
  time_til_dormant_ms?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  locked_ttl_ms?: number | null;

  @ApiPropertyOptional({ description: 'The late-2023 name of `locked_ttl_ms`.' })
  @IsOptional()
  @IsInt()
  time_til_dormant_autodelete_ms?: number | null;

  @ApiPropertyOptional({ description: "The name Coder's SDK sends for `time_til_dormant_ms` on create." })
  @IsOptional()
  @IsInt()
  dormant_ttl_ms?: number | null;

  @ApiPropertyOptional({ description: "The name Coder's SDK sends for `time_til_dormant_autodelete_ms` on create." })
  @IsOptional()
  @IsInt()
  delete_ttl_ms?: number | null;

  @ApiPropertyOptional({
    description: 'When true, the Everyone group gets no access (only admins and explicit ACL entries).',
  })
  @IsOptional()
  @IsBoolean()
  disable_everyone_group_access?: boolean;

  @ApiPropertyOptional({
    description: "How far activity moves a workspace's deadline, in milliseconds (0 = never). Default one hour.",
  })
  @IsOptional()
  @IsInt()
  activity_bump_ms?: number | null;

  @ApiPropertyOptional({
    description:
      'Milliseconds before the autostop deadline at which Coder sends a reminder: 0 (default, none) or at least a minute. Stored; this server sends no notifications.',
  })
  @IsOptional()
  @IsInt()
  time_til_autostop_notify_ms?: number | null;

  @ApiPropertyOptional({ type: AutostartRequirement, description: 'Default: every day.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AutostartRequirement)
  autostart_requirement?: AutostartRequirement | null;

  @ApiPropertyOptional({
    description: 'Workspaces must build the active version (template managers excepted). Default false.',
  })
  @IsOptional()
  @IsBoolean()
  require_active_version?: boolean | null;

  @ApiPropertyOptional({ enum: PORT_SHARE_LEVELS, description: 'Default `owner`.' })
  @IsOptional()
  @IsString()
  max_port_share_level?: string | null;

  @ApiPropertyOptional({ enum: CORS_BEHAVIORS, description: 'Default `simple`.' })
  @IsOptional()
  @IsString()
  cors_behavior?: string | null;

  @ApiPropertyOptional({ description: 'Default false.' })
  @IsOptional()
  @IsBoolean()
  template_use_classic_parameter_flow?: boolean | null;

  @ApiPropertyOptional({ description: 'Whether Coder Agents may create workspaces from the template. Default true.' })
  @IsOptional()
  @IsBoolean()
  agents_allowed?: boolean | null;
}

export class TransitionStats {
  @ApiProperty({ type: Number, nullable: true, description: 'Median build time in ms (not computed: null).' }) P50:
    number | null;
  @ApiProperty({ type: Number, nullable: true, description: '95th percentile build time in ms (not computed: null).' })
  P95: number | null;
}

export class BuildTimeStats {
  @ApiProperty({ type: TransitionStats }) start: TransitionStats;
  @ApiProperty({ type: TransitionStats }) stop: TransitionStats;
  @ApiProperty({ type: TransitionStats }) delete: TransitionStats;
}

/** `codersdk.Template`: the mid-2023 fields, their later names, and Coder's current ones. */
export class TemplateResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ format: 'uuid' }) organization_id: string;
  @ApiProperty() organization_name: string;
  @ApiProperty() organization_display_name: string;
  @ApiProperty() organization_icon: string;
  @ApiProperty() name: string;
  @ApiProperty() display_name: string;
  @ApiProperty({ enum: ['echo', 'terraform'] }) provisioner: string;
  @ApiProperty({ format: 'uuid' }) active_version_id: string;
  @ApiProperty({ description: "Distinct owners of the template's workspaces." }) active_user_count: number;
  @ApiProperty({ type: BuildTimeStats }) build_time_stats: BuildTimeStats;
  @ApiProperty() description: string;
  @ApiProperty() icon: string;
  @ApiProperty() default_ttl_ms: number;
  @ApiProperty() max_ttl_ms: number;
  @ApiProperty({ format: 'uuid' }) created_by_id: string;
  @ApiProperty() created_by_name: string;
  @ApiProperty() allow_user_autostart: boolean;
  @ApiProperty() allow_user_autostop: boolean;
  @ApiProperty() allow_user_cancel_workspace_jobs: boolean;
  @ApiProperty() failure_ttl_ms: number;
  @ApiProperty() inactivity_ttl_ms: number;
  @ApiProperty() locked_ttl_ms: number;
  @ApiProperty({ description: 'Late-2023 name of `inactivity_ttl_ms`.' }) time_til_dormant_ms: number;
  @ApiProperty({ description: 'Late-2023 name of `locked_ttl_ms`.' }) time_til_dormant_autodelete_ms: number;
  @ApiProperty({ type: RestartRequirement }) restart_requirement: RestartRequirement;
  @ApiProperty({ type: RestartRequirement, description: 'Late-2023 name of `restart_requirement`.' })
  autostop_requirement: RestartRequirement;
  @ApiProperty({ type: AutostartRequirement }) autostart_requirement: AutostartRequirement;
  @ApiProperty({ description: 'Milliseconds; one hour by default.' }) activity_bump_ms: number;
  @ApiProperty({
    description: 'Milliseconds before the autostop deadline of the reminder Coder sends (0 = none); stored only.',
  })
  time_til_autostop_notify_ms: number;
  @ApiProperty() require_active_version: boolean;
  @ApiProperty({ description: 'Whether `deprecation_message` is set.' }) deprecated: boolean;
  @ApiProperty() deprecation_message: string;
  @ApiProperty({ enum: PORT_SHARE_LEVELS }) max_port_share_level: string;
  @ApiProperty({ enum: CORS_BEHAVIORS }) cors_behavior: string;
  @ApiProperty() use_classic_parameter_flow: boolean;
  @ApiProperty() agents_allowed: boolean;
  @ApiProperty() disable_module_cache: boolean;
  @ApiProperty({ description: 'Always false: deleted templates are not served.' }) deleted: boolean;
}

export class MessageResponse {
  @ApiProperty({ example: 'Template has been deleted!' }) message: string;
}
