import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';

/** `codersdk.AuthorizationObject`: what a check is about. */
export class AuthorizationObject {
  @ApiProperty({
    example: 'workspace',
    description: "One of Coder's RBAC resource types; an unknown type answers false.",
  })
  resource_type: string;

  @ApiPropertyOptional({ description: 'Owner user id; `me` is the caller. Omit for "any owner".' })
  owner_id?: string;

  @ApiPropertyOptional({ description: 'Organization id; organization roles apply only when it is set.' })
  organization_id?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Decide on this stored row (its own organization, owner and template ACL) instead of the fields above. ' +
      'Only for workspace, template, user and group; at most 10 checks per request. A row that does not exist ' +
      'or that the caller may not read answers false.',
  })
  resource_id?: string;

  @ApiPropertyOptional({
    description:
      'Ask whether the action is allowed in any organization the caller belongs to (not with organization_id).',
  })
  any_org?: boolean;
}

/** `codersdk.AuthorizationCheck`. */
export class AuthorizationCheck {
  @ApiProperty({ type: AuthorizationObject }) object: AuthorizationObject;
  @ApiProperty({ enum: ['create', 'read', 'update', 'delete'], description: 'Any other action answers false.' })
  action: string;
}

/**
 * `codersdk.AuthorizationRequest`. The checks are a map chosen by the client, so they are
 * validated by the service (authcheck.rules.ts), one validation per bad field.
 */
export class AuthorizationRequest {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(AuthorizationCheck) },
    description: 'Caller-chosen key → check; every key is echoed in the answer.',
    example: { readAllUsers: { object: { resource_type: 'user' }, action: 'read' } },
  })
  @IsOptional()
  @IsObject()
  checks?: Record<string, unknown>;
}

/** The answer's Swagger schema: every requested key → whether the caller may. */
export const AUTHORIZATION_RESPONSE_SCHEMA = {
  type: 'object',
  additionalProperties: { type: 'boolean' },
  example: { readAllUsers: true },
} as const;
