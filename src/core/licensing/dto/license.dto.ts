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
    description:
      'Every claim of the license (exp, license_expires, features, all_features, feature_set, trial, deployment_ids, …); `license_expires` is an integer (seconds).',
  })
  claims: Record<string, unknown>;
}

/** `POST /licenses/refresh-entitlements` (Coder answers 200 although its docs say 201). */
export class RefreshEntitlementsResponse {
  @ApiProperty({ example: 'Entitlements updated' }) message: string;
}

/**
 * The claims are shown verbatim, except that `license_expires` is always a JSON integer: codersdk's
 * `License.ExpiresAt` (used by the Terraform provider) fails on anything else. New licenses with a
 * fractional value are refused; one stored before that rule is shown truncated to the second.
 */
export function toLicenseResponse(license: LicenseEntity, claims: Record<string, unknown>): LicenseResponse {
  const expires = claims.license_expires;
  const shown =
    typeof expires === 'number' && !Number.isInteger(expires)
      ? { ...claims, license_expires: Math.trunc(expires) }
      : claims;
  return { id: license.id, uuid: license.uuid, uploaded_at: license.uploadedAt.toISOString(), claims: shown };
}
