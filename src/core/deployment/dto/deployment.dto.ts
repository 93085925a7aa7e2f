import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class WorkspaceConnectionLatencyMs {
  @ApiProperty({ description: 'Always 0: this server has no workspace agents.' }) P50: number;
  @ApiProperty({ description: 'Always 0: this server has no workspace agents.' }) P95: number;
}

export class WorkspaceDeploymentStats {
  @ApiProperty({ description: 'Workspaces whose latest build waits for a provisioner daemon.' }) pending: number;
  @ApiProperty({ description: 'Workspaces whose latest build is running (starting, stopping or deleting).' })
  building: number;
  @ApiProperty({ description: 'Workspaces whose latest start build succeeded.' }) running: number;
  @ApiProperty({ description: 'Workspaces whose latest build failed.' }) failed: number;
  @ApiProperty({ description: 'Workspaces whose latest stop build succeeded.' }) stopped: number;
  @ApiProperty({ type: WorkspaceConnectionLatencyMs }) connection_latency_ms: WorkspaceConnectionLatencyMs;
  @ApiProperty({ description: 'Always 0: no workspace agents report traffic.' }) rx_bytes: number;
  @ApiProperty({ description: 'Always 0: no workspace agents report traffic.' }) tx_bytes: number;
}

export class SessionCountDeploymentStats {
  @ApiProperty() vscode: number;
  @ApiProperty() ssh: number;
  @ApiProperty() jetbrains: number;
  @ApiProperty() reconnecting_pty: number;
}

/** `codersdk.DeploymentStats`. */
export class DeploymentStatsResponse {
  @ApiProperty({
    format: 'date-time',
    description: 'Start of the agent-statistics window (15 minutes before collected_at).',
  })
  aggregated_from: string;
  @ApiProperty({ format: 'date-time', description: 'When these numbers were computed.' }) collected_at: string;
  @ApiProperty({ format: 'date-time', description: 'When they will next be recomputed (30 s after collected_at).' })
  next_update_at: string;
  @ApiProperty({ type: WorkspaceDeploymentStats }) workspaces: WorkspaceDeploymentStats;
  @ApiProperty({ type: SessionCountDeploymentStats, description: 'Always 0: this server has no workspace agents.' })
  session_count: SessionCountDeploymentStats;
}

/** `codersdk.SSHConfigResponse`. */
export class SSHConfigResponse {
  @ApiProperty({ example: 'coder.' }) hostname_prefix: string;
  @ApiProperty({ example: 'coder' }) hostname_suffix: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: {} }) ssh_config_options: Record<
    string,
    string
  >;
}

/** `codersdk.UpdateCheckResponse`. */
export class UpdateCheckResponse {
  @ApiProperty({ description: 'Always true: this server never checks for updates.' }) current: boolean;
  @ApiProperty({ example: 'v0.1.0' }) version: string;
  @ApiProperty() url: string;
}

/** `codersdk.AvailableExperiments`. */
export class AvailableExperimentsResponse {
  @ApiProperty({ type: [String], description: 'The experiments `CODER_EXPERIMENTS=*` enables.' }) safe: string[];
}

/** A `clibase.Group`: where an option is shown; parents nest. */
export class OptionGroupDto {
  @ApiProperty({ example: 'Networking' }) name: string;
  @ApiPropertyOptional({ example: 'networking' }) yaml?: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional({ type: () => OptionGroupDto }) parent?: OptionGroupDto;
}

/** A `clibase.Option` (keys left out when empty, as Coder's encoder does). */
export class DeploymentOptionDto {
  @ApiProperty({ example: 'Access URL' }) name: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional({ example: 'access-url' }) flag?: string;
  @ApiPropertyOptional({ example: 'CODER_ACCESS_URL' }) env?: string;
  @ApiPropertyOptional() yaml?: string;
  @ApiPropertyOptional({ description: 'The default, as text.' }) default?: string;
  @ApiPropertyOptional({
    description: 'The value in force (string, number, boolean, array; durations in nanoseconds). Left out for secrets.',
  })
  value?: unknown;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: '`secret: "true"` marks a secret.',
  })
  annotations?: Record<string, string>;
  @ApiPropertyOptional({ type: OptionGroupDto }) group?: OptionGroupDto;
  @ApiPropertyOptional() hidden?: boolean;
  @ApiPropertyOptional({ enum: ['default', 'env'] }) value_source?: string;
}

/** `codersdk.DeploymentConfig`. */
export class DeploymentConfigResponse {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      "Coder's DeploymentValues, with what is true for this server (secrets left out; durations in nanoseconds).",
  })
  config: Record<string, unknown>;
  @ApiProperty({ type: [DeploymentOptionDto] }) options: DeploymentOptionDto[];
}
