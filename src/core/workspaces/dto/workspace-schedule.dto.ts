import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsRfc3339Time } from '../../../common/coder-validators.js';

/** `codersdk.UpdateWorkspaceAutostartRequest`. */
export class UpdateWorkspaceAutostartRequest {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description:
      'Weekly cron (`<min> <hour> * * <dow>`, optional `CRON_TZ=<IANA zone>` prefix, UTC without it); absent, null or empty turns autostart off.',
    example: 'CRON_TZ=Europe/Berlin 30 8 * * 1-5',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  schedule?: string | null;
}

/** `codersdk.UpdateWorkspaceTTLRequest`. */
export class UpdateWorkspaceTtlRequest {
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description:
      'Time from a start until the automatic stop, in ms (cut to whole minutes; 1 minute to 30 days, and at most the template maximum); absent, null or 0 turns autostop off.',
    example: 28_800_000,
  })
  @IsOptional()
  @IsInt()
  ttl_ms?: number | null;
}

/** `codersdk.PutExtendWorkspaceRequest`. */
export class PutExtendWorkspaceRequest {
  @ApiProperty({
    format: 'date-time',
    description: 'The new deadline of the running build: at least 30 minutes from now, at most its max deadline.',
    example: '2026-12-07T18:00:00Z',
  })
  @IsRfc3339Time()
  deadline: string;
}
