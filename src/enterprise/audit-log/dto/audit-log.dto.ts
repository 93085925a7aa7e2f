import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AuditLogRow } from '../../../core/audit/audit.repository.js';
import {
  AUDIT_ACTIONS,
  AUDIT_RESOURCE_TYPES,
  NIL_UUID,
  type AuditAction,
  type AuditResourceType,
} from '../../../core/audit/audit.service.js';
import type { OrganizationEntity } from '../../../core/organizations/entities/organization.entity.js';
import { toUserResponse, UserResponse } from '../../../core/users/dto/user.dto.js';

/** `codersdk.MinimalOrganization`. */
export class MinimalOrganizationResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() display_name: string;
  @ApiProperty() icon: string;
}

/** `codersdk.AuditLog`. */
export class AuditLogResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The request that caused the entry (nil UUID when unknown).' })
  request_id: string;
  @ApiProperty({ format: 'date-time' }) time: string;
  @ApiProperty({ format: 'uuid', description: 'The nil UUID for site-wide actions.' }) organization_id: string;
  @ApiProperty({ description: 'Client address; "" when unknown.', example: '127.0.0.1' }) ip: string;
  @ApiProperty() user_agent: string;
  @ApiProperty({ enum: AUDIT_RESOURCE_TYPES }) resource_type: string;
  @ApiProperty({ format: 'uuid' }) resource_id: string;
  @ApiProperty({ description: 'The resource name at the time (e.g. a username or token name).' })
  resource_target: string;
  @ApiProperty() resource_icon: string;
  @ApiProperty({ enum: AUDIT_ACTIONS }) action: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Changed fields: `{"<field>": {"old"?: any, "new"?: any, "secret": bool}}`. As in Coder (Go `omitempty`), `old`/`new` are left out when there was no value; empty values (`""`, `false`, `0`) are sent; secrets are blanked.',
  })
  diff: Record<string, AuditDiffField>;
  @ApiProperty({ description: 'HTTP status the action was answered with.', example: 201 }) status_code: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) additional_fields: Record<string, unknown>;
  @ApiProperty({ example: '{user} created user {target}' }) description: string;
  @ApiProperty({ description: 'Dashboard link to the resource, or "".', example: '/users?filter=alice' })
  resource_link: string;
  @ApiProperty({ description: 'Whether the resource has since been deleted.' }) is_deleted: boolean;
  @ApiProperty({ type: UserResponse, nullable: true, description: 'The actor; null for anonymous actions.' })
  user: UserResponse | null;
  @ApiPropertyOptional({
    type: MinimalOrganizationResponse,
    description:
      'The organization of `organization_id`; absent for site-wide entries and organizations the caller cannot read.',
  })
  organization?: MinimalOrganizationResponse;
}

/** `codersdk.AuditDiffField`. */
export interface AuditDiffField {
  old?: unknown;
  new?: unknown;
  secret: boolean;
}

/**
 * A stored diff as Coder's clients read it. Stored entries keep `null` for "no value" (older rows
 * too); Coder's `old`/`new` are `omitempty` interfaces, so a nil value is left out rather than
 * sent as `null`, while a non-nil empty value (`""`, `false`, `0`, `[]`) is sent. `secret` is always present.
 */
export function toAuditDiff(diff: unknown): Record<string, AuditDiffField> {
  const out: Record<string, AuditDiffField> = {};
  if (!diff || typeof diff !== 'object' || Array.isArray(diff)) return out;
  for (const [key, raw] of Object.entries(diff as Record<string, unknown>)) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) continue;
    const field = raw as Record<string, unknown>;
    const entry = {} as AuditDiffField;
    if (field.old !== undefined && field.old !== null) entry.old = field.old;
    if (field.new !== undefined && field.new !== null) entry.new = field.new;
    entry.secret = field.secret === true;
    out[key] = entry;
  }
  return out;
}

export class AuditLogsResponse {
  @ApiProperty({ type: [AuditLogResponse], description: 'Newest first.' }) audit_logs: AuditLogResponse[];
  @ApiProperty({ description: 'Entries matching the query (all pages).' }) count: number;
  @ApiProperty({ description: 'The cap on `count`; 0: this server counts exactly (Coder caps at 2000).', example: 0 })
  count_cap: number;
}

/** Coder's `AuditAction.Friendly()`. */
const FRIENDLY_ACTIONS: Record<AuditAction, string> = {
  create: 'created',
  write: 'updated',
  delete: 'deleted',
  start: 'started',
  stop: 'stopped',
  login: 'logged in',
  logout: 'logged out',
  register: 'registered',
};

/** Coder's `ResourceType.FriendlyString()`. */
const FRIENDLY_RESOURCES: Record<AuditResourceType, string> = {
  organization: 'organization',
  organization_member: 'organization member',
  template: 'template',
  template_version: 'template version',
  user: 'user',
  workspace: 'workspace',
  workspace_build: 'workspace',
  git_ssh_key: 'git ssh key',
  api_key: 'token',
  group: 'group',
  license: 'license',
  workspace_proxy: 'workspace proxy',
};

/**
 * Coder's description template; the dashboard substitutes `{user}` and `{target}`. Tokens and
 * logins have no target; git SSH keys are not named (the target is a long fingerprint).
 */
export function auditDescription(resourceType: string, action: string): string {
  const verb = FRIENDLY_ACTIONS[action as AuditAction] ?? action;
  const resource = FRIENDLY_RESOURCES[resourceType as AuditResourceType] ?? resourceType;
  if (resourceType === 'api_key') return `{user} ${verb}`;
  if (resourceType === 'git_ssh_key') return `{user} ${verb} the ${resource}`;
  return `{user} ${verb} ${resource} {target}`;
}

/** Coder's dashboard link; none for resources that no longer exist. */
export function auditResourceLink(resourceType: string, target: string, deleted: boolean): string {
  if (deleted) return '';
  if (resourceType === 'user') return `/users?filter=${target}`;
  if (resourceType === 'template') return `/templates/${target}`;
  return '';
}

export function toAuditLogResponse(
  { log, actor, resourceDeleted }: AuditLogRow,
  orgIds: Map<string, string[]>,
  orgs: Map<string, OrganizationEntity>,
): AuditLogResponse {
  const org = log.organizationId ? orgs.get(log.organizationId) : undefined;
  return {
    id: log.id,
    request_id: log.requestId,
    time: log.time.toISOString(),
    organization_id: log.organizationId ?? NIL_UUID,
    ip: log.ip ?? '',
    user_agent: log.userAgent,
    resource_type: log.resourceType,
    resource_id: log.resourceId,
    resource_target: log.resourceTarget,
    resource_icon: log.resourceIcon,
    action: log.action,
    diff: toAuditDiff(log.diff),
    status_code: log.statusCode,
    additional_fields: log.additionalFields,
    description: auditDescription(log.resourceType, log.action),
    resource_link: auditResourceLink(log.resourceType, log.resourceTarget, resourceDeleted),
    is_deleted: resourceDeleted,
    user: actor ? toUserResponse(actor, orgIds.get(actor.id) ?? []) : null,
    ...(org ? { organization: { id: org.id, name: org.name, display_name: org.displayName, icon: org.icon } } : {}),
  };
}
