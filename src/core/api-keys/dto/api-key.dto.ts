import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { API_KEY_SCOPES, type ApiKeyEntity, type ApiKeyScope } from '../entities/api-key.entity.js';

export class CreateTokenRequest {
  @ApiPropertyOptional({
    description:
      'Lifetime in nanoseconds (a Go time.Duration); 0 or absent = 30 days (capped by CODER_MAX_TOKEN_LIFETIME).',
    example: 86400000000000,
  })
  @IsOptional()
  @IsInt()
  lifetime?: number;

  @ApiPropertyOptional({ enum: API_KEY_SCOPES, default: 'all' })
  @IsOptional()
  @IsIn([...API_KEY_SCOPES, ''])
  scope?: ApiKeyScope | '';

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
  @ApiProperty({ enum: API_KEY_SCOPES }) scope: string;
  @ApiProperty() token_name: string;
  @ApiProperty() lifetime_seconds: number;
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
    token_name: key.tokenName,
    lifetime_seconds: key.lifetimeSeconds,
  };
}
