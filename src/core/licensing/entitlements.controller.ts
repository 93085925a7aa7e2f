import { Controller, Get } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Public } from '../auth/access.decorators.js';
import { EntitlementsService } from './entitlements.service.js';

export class FeatureDto {
  @ApiProperty({ enum: ['entitled', 'grace_period', 'not_entitled'] }) entitlement: string;
  @ApiProperty() enabled: boolean;
  @ApiPropertyOptional() limit?: number;
  @ApiPropertyOptional() actual?: number;
}

export class EntitlementsResponse {
  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(FeatureDto) } })
  features: Record<string, FeatureDto>;
  @ApiProperty({ type: [String] }) warnings: string[];
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

  /** Public, as in Coder: the dashboard reads it before anyone signs in. Served from memory. */
  @Get()
  @Public()
  @ApiOperation({ summary: 'Get entitlements (no session needed)' })
  @ApiOkResponse({ type: EntitlementsResponse })
  get() {
    return this.entitlements.snapshot();
  }
}
