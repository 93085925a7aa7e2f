import { Controller, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Route } from '../../common/decorators/route.decorator.js';
import { Public } from '../access/access.decorators.js';
import { EntitlementsService } from './entitlements.service.js';
import { FEATURES } from './features.js';

export class UsagePeriodDto {
  @ApiProperty({ format: 'date-time' }) issued_at: string;
  @ApiProperty({ format: 'date-time' }) start: string;
  @ApiProperty({ format: 'date-time' }) end: string;
}

/** `codersdk.Feature`; the optional fields are omitted when absent. */
export class FeatureDto {
  @ApiProperty({ enum: ['entitled', 'grace_period', 'not_entitled'] }) entitlement: string;
  @ApiProperty({
    description: 'Entitled and turned on by this deployment (never for features this server does not have).',
  })
  enabled: boolean;
  @ApiPropertyOptional({ type: 'integer' }) limit?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'Agent runtime hours only.' }) soft_limit?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'Agent runtime hours only.' }) hard_limit?: number;
  @ApiPropertyOptional({ type: 'integer' }) actual?: number;
  @ApiPropertyOptional({ type: UsagePeriodDto, description: 'Usage limits counted over a license term only.' })
  usage_period?: UsagePeriodDto;
}

export class EntitlementsResponse {
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(FeatureDto) },
    description: `Every feature name of Coder's 2023 and 2026 clients, always: ${FEATURES.join(', ')}.`,
  })
  features: Record<string, FeatureDto>;
  @ApiProperty({
    type: [String],
    description: 'Only for callers who may read licenses (owners); empty for others.',
  })
  warnings: string[];
  @ApiProperty({ type: [String] }) errors: string[];
  @ApiProperty() has_license: boolean;
  @ApiProperty() trial: boolean;
  @ApiProperty() require_telemetry: boolean;
  @ApiProperty({ format: 'date-time' }) refreshed_at: string;
}

@ApiTags('Enterprise')
@ApiExtraModels(FeatureDto)
@Controller('entitlements')
export class EntitlementsController {
  constructor(private readonly entitlements: EntitlementsService) {}

  /**
   * Public, as in Coder: the dashboard reads it before anyone signs in. Served from memory; a
   * session, when sent, only decides whether `warnings` are shown.
   */
  @Route('GET', '', { summary: 'Get entitlements (no session needed)', returns: EntitlementsResponse })
  @Public()
  get(@Req() req: Request) {
    return this.entitlements.snapshotFor(req.user);
  }
}
