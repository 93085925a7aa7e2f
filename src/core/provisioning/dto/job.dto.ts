import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ProvisionerJobLogEntity } from '../entities/provisioner-job-log.entity.js';
import type { ProvisionerJobEntity } from '../entities/provisioner-job.entity.js';
import type { WorkspaceResourceEntity } from '../entities/workspace-resource.entity.js';

export type JobStatus = 'pending' | 'running' | 'succeeded' | 'canceling' | 'canceled' | 'failed';

/** Coder's job status rule (the stored-column form of late 2023). */
export function jobStatus(job: ProvisionerJobEntity): JobStatus {
  const failed = job.error !== null && job.error !== '';
  if (job.completedAt) return failed ? 'failed' : job.canceledAt ? 'canceled' : 'succeeded';
  if (failed) return 'failed';
  if (job.canceledAt) return 'canceling';
  return job.startedAt ? 'running' : 'pending';
}

export function isActive(status: JobStatus): boolean {
  return status === 'pending' || status === 'running' || status === 'canceling';
}

export class MatchedProvisionersDto {
  @ApiProperty({ description: 'Connected daemons whose provisioner and tags fit this job.' }) count: number;
  @ApiProperty({ description: 'Of those, how many are idle.' }) available: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Latest heartbeat of any fitting daemon seen within the hour, connected or not; null when none.',
  })
  most_recently_seen: string | null;
}

export const PENDING_REASON_CODES = [
  'no_daemon_with_tags',
  'provisioner_not_served',
  'daemons_offline',
  'daemons_busy',
] as const;
export type PendingReasonCode = (typeof PENDING_REASON_CODES)[number];

export class PendingDaemonDto {
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date-time' }) last_seen_at: string;
}

/** Why a pending job waits (our addition to Coder's job): a stable `code`, a sentence, and the facts. */
export class PendingReasonDto {
  @ApiProperty({ enum: PENDING_REASON_CODES }) code: PendingReasonCode;
  @ApiProperty() message: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'The job tags no daemon serving the organization has (`no_daemon_with_tags`, `provisioner_not_served`).',
  })
  tags?: Record<string, string>;
  @ApiPropertyOptional({ description: 'The provisioner nobody with those tags offers (`provisioner_not_served`).' })
  provisioner?: string;
  @ApiPropertyOptional({
    type: [PendingDaemonDto],
    description: 'The fitting daemons, all offline, latest first (`daemons_offline`, at most 10 names).',
  })
  daemons?: PendingDaemonDto[];
  @ApiPropertyOptional({ description: "The job's queue place among the busy daemons' jobs (`daemons_busy`)." })
  queue_position?: number;
  @ApiPropertyOptional({ description: 'Pending jobs those daemons could take (`daemons_busy`).' })
  queue_size?: number;
}

export class ProvisionerJobInputDto {
  @ApiPropertyOptional({ format: 'uuid' }) template_version_id?: string;
  @ApiPropertyOptional({ format: 'uuid' }) workspace_build_id?: string;
}

export class ProvisionerJobMetadataDto {
  @ApiProperty() template_version_name: string;
  @ApiProperty({ format: 'uuid' }) template_id: string;
  @ApiProperty() template_name: string;
  @ApiProperty() template_display_name: string;
  @ApiProperty() template_icon: string;
  @ApiPropertyOptional({ format: 'uuid' }) workspace_id?: string;
  @ApiPropertyOptional() workspace_name?: string;
  @ApiPropertyOptional({ enum: ['start', 'stop', 'delete'] }) workspace_build_transition?: string;
}

/** `codersdk.ProvisionerJob`, plus which daemons fit a pending job and why it waits (Coder users ask). */
export class ProvisionerJobResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiPropertyOptional({ format: 'date-time' }) started_at?: string;
  @ApiPropertyOptional({ format: 'date-time' }) completed_at?: string;
  @ApiPropertyOptional({ format: 'date-time' }) canceled_at?: string;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional() error_code?: string;
  @ApiProperty({ enum: ['pending', 'running', 'succeeded', 'canceling', 'canceled', 'failed'] }) status: JobStatus;
  @ApiPropertyOptional({ format: 'uuid' }) worker_id?: string;
  @ApiPropertyOptional({ description: 'Name of the daemon that took the job.' }) worker_name?: string;
  @ApiProperty({ format: 'uuid' }) file_id: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) tags: Record<string, string>;
  @ApiProperty({
    description: '1-based place among the pending jobs the daemons able to take this one could take; 0 unless pending.',
  })
  queue_position: number;
  @ApiProperty({ description: 'Pending jobs those daemons could take; 0 unless pending.' }) queue_size: number;
  @ApiProperty({ format: 'uuid' }) organization_id: string;
  @ApiProperty({ format: 'uuid' }) initiator_id: string;
  @ApiProperty({ type: ProvisionerJobInputDto }) input: ProvisionerJobInputDto;
  @ApiProperty({ enum: ['template_version_import', 'workspace_build'] }) type: string;
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Connected daemons able to take this pending job, oldest first (offline ones are left out).',
  })
  available_workers?: string[];
  @ApiProperty({ type: ProvisionerJobMetadataDto }) metadata: ProvisionerJobMetadataDto;
  @ApiProperty() logs_overflowed: boolean;
  @ApiPropertyOptional({ type: MatchedProvisionersDto, description: 'Only while pending.' })
  matched_provisioners?: MatchedProvisionersDto;
  @ApiPropertyOptional({ type: PendingReasonDto, description: 'Only while pending and no idle daemon fits: why.' })
  pending_reason?: PendingReasonDto;
}

export class ProvisionerJobLogResponse {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ enum: ['provisioner_daemon', 'provisioner'] }) log_source: string;
  @ApiProperty({ enum: ['trace', 'debug', 'info', 'warn', 'error'] }) log_level: string;
  @ApiProperty() stage: string;
  @ApiProperty() output: string;
}

export function toLogResponse(log: ProvisionerJobLogEntity): ProvisionerJobLogResponse {
  return {
    id: Number(log.id),
    created_at: log.createdAt.toISOString(),
    log_source: log.source,
    log_level: log.level,
    stage: log.stage,
    output: log.output,
  };
}

export class WorkspaceResourceResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'uuid' }) job_id: string;
  @ApiProperty({ enum: ['start', 'stop', 'delete'] }) workspace_transition: string;
  @ApiProperty() type: string;
  @ApiProperty() name: string;
  @ApiProperty() hide: boolean;
  @ApiProperty() icon: string;
  @ApiPropertyOptional() instance_type?: string;
  @ApiProperty() daily_cost: number;
}

export function toResourceResponse(r: WorkspaceResourceEntity): WorkspaceResourceResponse {
  const out: WorkspaceResourceResponse = {
    id: r.id,
    created_at: r.createdAt.toISOString(),
    job_id: r.jobId,
    workspace_transition: r.transition,
    type: r.type,
    name: r.name,
    hide: r.hide,
    icon: r.icon,
    daily_cost: r.dailyCost,
  };
  if (r.instanceType) out.instance_type = r.instanceType;
  return out;
}
