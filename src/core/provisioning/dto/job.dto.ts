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
}

/** `codersdk.ProvisionerJob`, plus why a pending job is waiting (Coder users ask). */
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
  @ApiProperty({ format: 'uuid' }) file_id: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) tags: Record<string, string>;
  @ApiProperty({ description: '1-based place among pending jobs; 0 once started.' }) queue_position: number;
  @ApiProperty({ description: 'Pending jobs in the queue; 0 once started.' }) queue_size: number;
  @ApiPropertyOptional({ type: MatchedProvisionersDto, description: 'Only while pending.' })
  matched_provisioners?: MatchedProvisionersDto;
  @ApiPropertyOptional({ description: 'Only while pending and no connected daemon can take the job: why.' })
  pending_reason?: string;
}

export interface JobExtras {
  queue?: { position: number; size: number };
  matched?: { count: number; available: number };
}

export function pendingReason(job: ProvisionerJobEntity, matched: { count: number }): string | undefined {
  if (matched.count > 0) return undefined;
  return `No connected provisioner daemon can run this job: none offers the "${job.provisioner}" provisioner with the tags ${JSON.stringify(job.tags)} for this organization.`;
}

export function toJobResponse(job: ProvisionerJobEntity, extras: JobExtras = {}): ProvisionerJobResponse {
  const status = jobStatus(job);
  const out: ProvisionerJobResponse = {
    id: job.id,
    created_at: job.createdAt.toISOString(),
    status,
    file_id: job.fileId,
    tags: job.tags,
    queue_position: status === 'pending' ? (extras.queue?.position ?? 0) : 0,
    queue_size: status === 'pending' ? (extras.queue?.size ?? 0) : 0,
  };
  if (job.startedAt) out.started_at = job.startedAt.toISOString();
  if (job.completedAt) out.completed_at = job.completedAt.toISOString();
  if (job.canceledAt) out.canceled_at = job.canceledAt.toISOString();
  if (job.error) out.error = job.error;
  if (job.errorCode) out.error_code = job.errorCode;
  if (job.workerId) out.worker_id = job.workerId;
  if (status === 'pending' && extras.matched) {
    out.matched_provisioners = extras.matched;
    const reason = pendingReason(job, extras.matched);
    if (reason) out.pending_reason = reason;
  }
  return out;
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
