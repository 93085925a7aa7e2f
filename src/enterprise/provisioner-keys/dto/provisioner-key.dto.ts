import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString } from 'class-validator';
import { ProvisionerDaemonResponse } from '../../provisioner-daemons/dto/provisioner-daemon.dto.js';

const TAGS = { type: 'object', additionalProperties: { type: 'string' }, example: { os: 'linux' } } as const;

/** `codersdk.CreateProvisionerKeyRequest`. */
export class CreateProvisionerKeyRequest {
  @ApiProperty({
    example: 'ci-runners',
    maxLength: 64,
    description: 'Any text of 1-64 bytes, stored lower-cased; not `built-in`, `user-auth` or `psk`.',
  })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional({
    ...TAGS,
    description: 'The tags every daemon serving with this key gets (`scope` defaults to `organization`).',
  })
  @IsOptional()
  @IsObject()
  tags?: Record<string, unknown> | null;
}

/** `codersdk.CreateProvisionerKeyResponse`: the secret, shown only this once. */
export class CreateProvisionerKeyResponse {
  @ApiProperty({ description: '43 characters of `[0-9A-Za-z]`; send it as `Coder-Provisioner-Daemon-Key`.' })
  key: string;
}

/** `codersdk.ProvisionerKey` (never its secret). */
export class ProvisionerKeyResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'uuid', description: 'The organization ID.' }) organization: string;
  @ApiProperty({ example: 'ci-runners' }) name: string;
  @ApiProperty(TAGS) tags: Record<string, string>;
}

/** `codersdk.ProvisionerKeyDaemons`. */
export class ProvisionerKeyDaemonsResponse {
  @ApiProperty({ type: ProvisionerKeyResponse }) key: ProvisionerKeyResponse;
  @ApiProperty({ type: [ProvisionerDaemonResponse] }) daemons: ProvisionerDaemonResponse[];
}
