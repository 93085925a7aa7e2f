import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsNotEmpty, IsString } from 'class-validator';
import type { LicenseEntity } from '../entities/license.entity.js';

export class AddLicenseRequest {
  @ApiProperty({ description: 'The license JWT (EdDSA-signed, with a kid trusted by CODER_LICENSE_KEYS_FILE).' })
  @IsDefined()
  @IsString()
  @IsNotEmpty()
  license: string;
}

/** `codersdk.License`: the stored license with its claims decoded; the JWT itself is never returned. */
export class LicenseResponse {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty({ format: 'date-time' }) uploaded_at: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Every claim of the license (exp, license_expires, features, all_features, trial, …).',
  })
  claims: Record<string, unknown>;
}

export function toLicenseResponse(license: LicenseEntity, claims: Record<string, unknown>): LicenseResponse {
  return { id: license.id, uuid: license.uuid, uploaded_at: license.uploadedAt.toISOString(), claims };
}
