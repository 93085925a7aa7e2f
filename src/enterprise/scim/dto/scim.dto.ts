import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SCHEMA } from '../discovery/scim.constants.js';

/**
 * OpenAPI shapes of SCIM messages (documentation only: SCIM bodies are read by the SCIM readers,
 * which answer RFC 7644 errors, not by the validation pipe).
 */

export class ScimMetaDto {
  @ApiProperty({ enum: ['User', 'Group'] }) resourceType: string;
  @ApiProperty({ format: 'date-time' }) created: string;
  @ApiProperty({ format: 'date-time' }) lastModified: string;
  @ApiProperty({ format: 'uri' }) location: string;
  @ApiProperty({ example: 'W/"3mPlcB0P6J5ckOoB7kEeLw"', description: 'Weak ETag, also sent as the ETag header.' })
  version: string;
}

export class ScimNameDto {
  @ApiPropertyOptional() formatted?: string;
  @ApiPropertyOptional() familyName?: string;
  @ApiPropertyOptional() givenName?: string;
}

export class ScimEmailDto {
  @ApiProperty({ format: 'email' }) value: string;
  @ApiPropertyOptional({ example: 'work' }) type?: string;
  @ApiPropertyOptional() primary?: boolean;
}

export class ScimReferenceDto {
  @ApiProperty({ format: 'uuid' }) value: string;
  @ApiPropertyOptional({ format: 'uri' }) $ref?: string;
  @ApiPropertyOptional() display?: string;
}

export class ScimUserDto {
  @ApiProperty({ type: [String], example: [SCHEMA.user] }) schemas: string[];
  @ApiProperty({ format: 'uuid', readOnly: true }) id: string;
  @ApiPropertyOptional() externalId?: string;
  @ApiProperty({ example: 'alice@example.com' }) userName: string;
  @ApiPropertyOptional({ type: ScimNameDto }) name?: ScimNameDto;
  @ApiPropertyOptional({ description: "Coder's `name`." }) displayName?: string;
  @ApiProperty({ type: [ScimEmailDto], description: 'One per user: the primary (or first) one is stored.' })
  emails: ScimEmailDto[];
  @ApiProperty({ description: 'false = suspended in Coder.' }) active: boolean;
  @ApiPropertyOptional({ type: [ScimReferenceDto], readOnly: true }) groups?: ScimReferenceDto[];
  @ApiProperty({ type: ScimMetaDto, readOnly: true }) meta: ScimMetaDto;
}

export class ScimMemberDto extends ScimReferenceDto {
  @ApiPropertyOptional({ enum: ['User'] }) type?: string;
}

export class ScimGroupDto {
  @ApiProperty({ type: [String], example: [SCHEMA.group] }) schemas: string[];
  @ApiProperty({ format: 'uuid', readOnly: true }) id: string;
  @ApiPropertyOptional() externalId?: string;
  @ApiProperty({ example: 'Engineering' }) displayName: string;
  @ApiPropertyOptional({ type: [ScimMemberDto] }) members?: ScimMemberDto[];
  @ApiProperty({ type: ScimMetaDto, readOnly: true }) meta: ScimMetaDto;
}

export class ScimListResponseDto {
  @ApiProperty({ type: [String], example: [SCHEMA.listResponse] }) schemas: string[];
  @ApiProperty() totalResults: number;
  @ApiProperty({ description: '1-based.' }) startIndex: number;
  @ApiProperty() itemsPerPage: number;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Users or Groups (or discovery resources).' })
  Resources: Record<string, unknown>[];
}

export class ScimPatchOperationDto {
  @ApiProperty({ enum: ['add', 'replace', 'remove'], description: 'Case-insensitive ("Replace" as Entra sends it).' })
  op: string;
  @ApiPropertyOptional({
    example: 'emails[type eq "work"].value',
    description: 'Omitted: `value` is an object of attributes (keys may be paths).',
  })
  path?: string;
  @ApiPropertyOptional({ description: 'Any JSON value; booleans may be "True"/"False".' }) value?: unknown;
}

export class ScimPatchOpDto {
  @ApiProperty({ type: [String], example: [SCHEMA.patchOp] }) schemas: string[];
  @ApiProperty({ type: [ScimPatchOperationDto] }) Operations: ScimPatchOperationDto[];
}

export class ScimSearchRequestDto {
  @ApiProperty({ type: [String], example: [SCHEMA.searchRequest] }) schemas: string[];
  @ApiPropertyOptional({ example: 'userName eq "alice@example.com"' }) filter?: string;
  @ApiPropertyOptional({ minimum: 1 }) startIndex?: number;
  @ApiPropertyOptional({ minimum: 0 }) count?: number;
  @ApiPropertyOptional({ type: [String] }) attributes?: string[];
  @ApiPropertyOptional({ type: [String] }) excludedAttributes?: string[];
}

export class ScimErrorDto {
  @ApiProperty({ type: [String], example: [SCHEMA.error] }) schemas: string[];
  @ApiProperty({ example: '400', description: 'The HTTP status, as a string (RFC 7644 §3.12).' }) status: string;
  @ApiPropertyOptional({
    enum: [
      'invalidFilter',
      'tooMany',
      'uniqueness',
      'mutability',
      'invalidSyntax',
      'invalidPath',
      'noTarget',
      'invalidValue',
    ],
  })
  scimType?: string;
  @ApiPropertyOptional() detail?: string;
}
