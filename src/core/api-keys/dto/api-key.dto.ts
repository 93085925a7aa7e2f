import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ALLOW_ALL, SCOPE_NAMES, shownScopes } from '../api-key-scopes.js';
import { API_KEY_SCOPES, type ApiKeyEntity } from '../entities/api-key.entity.js';

export class CreateTokenRequest {
  @ApiPropertyOptional({
    description:
      'Lifetime in nanoseconds (a Go time.Duration); 0 or absent = 30 days (capped by CODER_MAX_TOKEN_LIFETIME).',
    example: 86400000000000,
  })
  @IsOptional()
  @IsInt()
  lifetime?: number;

  @ApiPropertyOptional({
    enum: SCOPE_NAMES,
    default: 'all',
    deprecated: true,
    description: 'Deprecated in Coder for `scopes`; ignored when `scopes` is non-empty.',
  })
  @IsOptional()
  @IsIn([...SCOPE_NAMES, ''])
  scope?: string;

  @ApiPropertyOptional({
    type: [String],
    enum: SCOPE_NAMES,
    description:
      'Absent or empty = `coder:all`. Only the scopes this server enforces are accepted; any other ' +
      "Coder scope (e.g. `workspace:read`) is 400 rather than a broader token. Legacy names are Coder's aliases.",
    example: ['coder:application_connect'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  scopes?: string[];

  @ApiPropertyOptional({
    type: [String],
    description:
      'Coder\'s `"<resource_type>:<id>"` entries. Only `"*:*"` (no restriction) is accepted: narrower lists are 400.',
    example: [ALLOW_ALL],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(128)
  @IsString({ each: true })
  allow_list?: string[];

  @ApiPropertyOptional({ description: 'Unique per user; a random name when empty.', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'token_name must not contain control characters' })
  token_name?: string;
}

export class GenerateApiKeyResponse {
  @ApiProperty({ description: 'The session token `<id>-<secret>`; shown only once.' })
  key: string;
}

export class ApiKeyResponse {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty({ format: 'date-time' }) last_used: string;
  @ApiProperty({ format: 'date-time' }) expires_at: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ enum: ['password', 'github', 'oidc', 'token', 'none'] }) login_type: string;
  @ApiProperty({ enum: API_KEY_SCOPES, deprecated: true, description: 'Deprecated in Coder for `scopes`.' })
  scope: string;
  @ApiProperty({ type: [String], example: ['coder:all'], description: 'What the key is enforced as.' })
  scopes: string[];
  @ApiProperty() token_name: string;
  @ApiProperty() lifetime_seconds: number;
  @ApiProperty({
    type: [String],
    example: [ALLOW_ALL],
    description: 'Always `["*:*"]`: keys are not restricted to objects here.',
  })
  allow_list: string[];
}

export class ApiKeyWithOwnerResponse extends ApiKeyResponse {
  @ApiProperty() username: string;
}

export class TokenConfigResponse {
  @ApiProperty({ description: 'Nanoseconds.' }) max_token_lifetime: number;
}

export function toApiKeyResponse(key: ApiKeyEntity): ApiKeyResponse {
  return {
    id: key.id,
    user_id: key.userId,
    last_used: key.lastUsed.toISOString(),
    expires_at: key.expiresAt.toISOString(),
    created_at: key.createdAt.toISOString(),
    updated_at: key.updatedAt.toISOString(),
    login_type: key.loginType,
    scope: key.scope,
    scopes: shownScopes(key.scope),
    token_name: key.tokenName,
    lifetime_seconds: key.lifetimeSeconds,
    allow_list: [ALLOW_ALL],
  };
}
