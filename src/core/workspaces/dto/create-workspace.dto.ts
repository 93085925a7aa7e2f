import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBase64,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ExcludedWith, IsCoderNameTagged, IsUuidIfPresent, RequiredWithout } from '../../../common/coder-validators.js';
import { VariableValue } from '../../templates/dto/template-version.dto.js';
import { AUTOMATIC_UPDATES } from '../entities/workspace.entity.js';

/** `codersdk.CreateWorkspaceRequest` (mid-2023). The nil UUID counts as absent (Coder's SDK sends it). */
export class CreateWorkspaceRequest {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The template (its active version is built). Exactly one of `template_id` and `template_version_id`.',
  })
  @RequiredWithout('template_version_id')
  @ExcludedWith('template_version_id')
  @IsUuidIfPresent()
  template_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A specific version of a template.' })
  @RequiredWithout('template_id')
  @ExcludedWith('template_id')
  @IsUuidIfPresent()
  template_version_id?: string;

  @ApiProperty({
    description: "Letters, digits and single hyphens, at most 32; unique among the owner's workspaces.",
    example: 'dev',
  })
  @IsDefined()
  @IsCoderNameTagged('workspace_name')
  name: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Weekly cron (5 fields, optional `CRON_TZ=<zone>` prefix); null or empty for none.',
    example: 'CRON_TZ=UTC 30 8 * * 1-5',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  autostart_schedule?: string | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'Time until shutdown in ms (whole minutes); absent or 0 = the template default.',
  })
  @IsOptional()
  @IsInt()
  ttl_ms?: number | null;

  @ApiPropertyOptional({
    enum: AUTOMATIC_UPDATES,
    description: "Whether starts build the template's active version; absent, null or empty = `never`.",
  })
  @IsOptional()
  @IsString()
  automatic_updates?: string;

  @ApiPropertyOptional({ type: [VariableValue], description: 'Recorded with the first build.' })
  @IsOptional()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => VariableValue)
  rich_parameter_values?: VariableValue[];
}

/** `codersdk.UpdateWorkspaceAutomaticUpdatesRequest`. */
export class UpdateWorkspaceAutomaticUpdatesRequest {
  @ApiProperty({ enum: AUTOMATIC_UPDATES })
  @IsOptional()
  @IsString()
  automatic_updates?: string;
}

/** `codersdk.CreateWorkspaceBuildRequest` (mid-2023). */
export class CreateWorkspaceBuildRequest {
  @ApiPropertyOptional({
    format: 'uuid',
    description: "A version of the workspace's template; default: the previous build's version.",
  })
  @IsUuidIfPresent()
  template_version_id?: string;

  @ApiProperty({ enum: ['start', 'stop', 'delete'] })
  @IsIn(['create', 'start', 'stop', 'delete'])
  transition: string;

  @ApiPropertyOptional({ description: 'Accepted and ignored, as by Coder.' })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;

  @ApiPropertyOptional({ format: 'byte', description: 'Provisioner state to build from (template managers only).' })
  @IsOptional()
  @IsBase64()
  @MaxLength(1_000_000)
  state?: string;

  @ApiPropertyOptional({
    description: 'With `delete`: remove the workspace without its previous state (template managers only).',
  })
  @IsOptional()
  @IsBoolean()
  orphan?: boolean;

  @ApiPropertyOptional({ type: [VariableValue] })
  @IsOptional()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => VariableValue)
  rich_parameter_values?: VariableValue[];

  @ApiPropertyOptional({ enum: ['debug'] })
  @IsOptional()
  @IsIn(['debug'])
  log_level?: string;
}
