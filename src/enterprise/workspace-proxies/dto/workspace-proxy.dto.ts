import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PROXY_HEALTH_STATUSES, type ProxyHealth, type ProxyHealthStatus } from '../proxy-health-check.js';
import type { WorkspaceProxyEntity } from '../entities/workspace-proxy.entity.js';

/** Coder's name rule (codersdk.NameValid), applied to proxy names since they appear in URLs. */
export const PROXY_NAME_RE = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;
export const PROXY_NAME_MAX = 32;
const PROXY_NAME_MESSAGE = 'name must be letters and digits separated by single hyphens, at most 32 characters';
export const DISPLAY_NAME_MAX = 64;
export const ICON_MAX = 2048;

export class CreateWorkspaceProxyRequest {
  @ApiProperty({ example: 'us-east', maxLength: PROXY_NAME_MAX, description: '`primary` is reserved.' })
  @IsDefined()
  @IsString()
  @MaxLength(PROXY_NAME_MAX, { message: PROXY_NAME_MESSAGE })
  @Matches(PROXY_NAME_RE, { message: PROXY_NAME_MESSAGE })
  name: string;

  @ApiPropertyOptional({ maxLength: DISPLAY_NAME_MAX, example: 'US East' })
  @IsOptional()
  @IsString()
  @MaxLength(DISPLAY_NAME_MAX)
  display_name?: string;

  @ApiPropertyOptional({ maxLength: ICON_MAX, example: '/emojis/1f1fa-1f1f8.png' })
  @IsOptional()
  @IsString()
  @MaxLength(ICON_MAX)
  icon?: string;

  @ApiPropertyOptional({
    deprecated: true,
    description: 'Sent by older SDKs; ignored (the proxy reports its URL when it registers).',
  })
  @IsOptional()
  @IsString()
  url?: string;

  @ApiPropertyOptional({
    deprecated: true,
    description: 'Sent by older SDKs; ignored (the proxy reports it when it registers).',
  })
  @IsOptional()
  @IsString()
  wildcard_hostname?: string;
}

/** Coder's PatchWorkspaceProxy. Absent or empty fields stay as they are; `id` is ignored (the path decides). */
export class PatchWorkspaceProxy {
  @ApiPropertyOptional({ format: 'uuid', description: 'Ignored: the path names the proxy.' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiPropertyOptional({ maxLength: PROXY_NAME_MAX })
  @IsOptional()
  @IsString()
  @ValidateIf((o: PatchWorkspaceProxy) => o.name !== '')
  @MaxLength(PROXY_NAME_MAX, { message: PROXY_NAME_MESSAGE })
  @Matches(PROXY_NAME_RE, { message: PROXY_NAME_MESSAGE })
  name?: string;

  @ApiPropertyOptional({ maxLength: DISPLAY_NAME_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(DISPLAY_NAME_MAX)
  display_name?: string;

  @ApiPropertyOptional({ maxLength: ICON_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(ICON_MAX)
  icon?: string;

  @ApiPropertyOptional({
    description: 'Issue a new token (answered once in `proxy_token`); the old one stops working.',
  })
  @IsOptional()
  @IsBoolean()
  regenerate_token?: boolean;
}

export class ProxyHealthReportDto {
  @ApiProperty({ type: [String], description: 'Problems that make the proxy unhealthy.' }) errors: string[];
  @ApiProperty({ type: [String], description: 'Problems that do not (yet) make it unhealthy.' }) warnings: string[];
}

export class WorkspaceProxyStatusDto {
  @ApiProperty({ enum: PROXY_HEALTH_STATUSES }) status: ProxyHealthStatus;
  @ApiProperty({ type: ProxyHealthReportDto }) report: ProxyHealthReportDto;
  @ApiProperty({ format: 'date-time', description: '`0001-01-01T00:00:00Z` while `unknown`.' }) checked_at: string;
}

/** `codersdk.Region`: what `/regions` shows every user. */
export class RegionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() display_name: string;
  @ApiProperty() icon_url: string;
  @ApiProperty({ description: 'The latest health check was `ok` (always true for the primary).' }) healthy: boolean;
  @ApiProperty({ description: 'The proxy access URL ("" until it registers).' }) path_app_url: string;
  @ApiProperty() wildcard_hostname: string;
}

/** `codersdk.WorkspaceProxy` (with the later `derp_enabled`, `derp_only` and `version`). */
export class WorkspaceProxyResponse extends RegionResponse {
  @ApiProperty() derp_enabled: boolean;
  @ApiProperty() derp_only: boolean;
  @ApiProperty({ type: WorkspaceProxyStatusDto }) status: WorkspaceProxyStatusDto;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() deleted: boolean;
  @ApiProperty({ description: 'The version the proxy reported when it registered.' }) version: string;
}

/** `{"regions": [...]}` (Coder's shape; the API page's array is an annotation error). */
export class WorkspaceProxiesResponse {
  @ApiProperty({
    type: [WorkspaceProxyResponse],
    description: 'The primary first, then every proxy the caller may see.',
  })
  regions: WorkspaceProxyResponse[];
}

export class RegionsResponse {
  @ApiProperty({ type: [RegionResponse] }) regions: RegionResponse[];
}

/** POST and PATCH: the proxy's fields (the API page) plus `proxy` and `proxy_token` (Coder's SDK). */
export class UpdateWorkspaceProxyResponse extends WorkspaceProxyResponse {
  @ApiProperty({ type: WorkspaceProxyResponse }) proxy: WorkspaceProxyResponse;
  @ApiProperty({ description: '`<uuid>:<64 hex>`, shown only here; "" when no token was issued.' }) proxy_token: string;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

export function toStatusDto(health: ProxyHealth | undefined): WorkspaceProxyStatusDto {
  if (!health) return { status: 'unknown', report: { errors: [], warnings: [] }, checked_at: ZERO_TIME };
  return {
    status: health.status,
    report: { errors: [...health.report.errors], warnings: [...health.report.warnings] },
    checked_at: health.checkedAt.toISOString(),
  };
}

export function toWorkspaceProxyResponse(
  proxy: WorkspaceProxyEntity,
  health: ProxyHealth | undefined,
): WorkspaceProxyResponse {
  const status = toStatusDto(health);
  return {
    id: proxy.id,
    name: proxy.name,
    display_name: proxy.displayName,
    icon_url: proxy.icon,
    healthy: status.status === 'ok',
    path_app_url: proxy.url,
    wildcard_hostname: proxy.wildcardHostname,
    derp_enabled: proxy.derpEnabled,
    derp_only: proxy.derpOnly,
    status,
    created_at: proxy.createdAt.toISOString(),
    updated_at: proxy.updatedAt.toISOString(),
    deleted: proxy.deleted,
    version: proxy.version,
  };
}

export function toRegionResponse(proxy: WorkspaceProxyResponse): RegionResponse {
  const { id, name, display_name, icon_url, healthy, path_app_url, wildcard_hostname } = proxy;
  return { id, name, display_name, icon_url, healthy, path_app_url, wildcard_hostname };
}

export function withToken(proxy: WorkspaceProxyResponse, token: string): UpdateWorkspaceProxyResponse {
  return { ...proxy, proxy, proxy_token: token };
}

/** The audit log's view of a proxy (snake_case; the token hash is redacted by the audit diff). */
export function proxyAuditSnapshot(proxy: WorkspaceProxyEntity): Record<string, unknown> {
  return {
    id: proxy.id,
    name: proxy.name,
    display_name: proxy.displayName,
    icon: proxy.icon,
    url: proxy.url,
    wildcard_hostname: proxy.wildcardHostname,
    deleted: proxy.deleted,
    token_hashed_secret: proxy.tokenHashedSecret.toString('hex'),
  };
}
