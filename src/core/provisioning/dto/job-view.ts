import { NIL_UUID } from '../../../common/coder-validators.js';
import type { JobViewRow } from '../job-views.query.js';
import { fromRow } from '../jobs.repository.js';
import {
  jobStatus,
  type MatchedProvisionersDto,
  type PendingDaemonDto,
  type PendingReasonDto,
  type ProvisionerJobResponse,
} from './job.dto.js';

const MAX_OFFLINE_DAEMONS = 10;

/** The fitting daemons that are offline, one entry per name (each session leaves a row), latest first. */
function offlineDaemons(row: JobViewRow): PendingDaemonDto[] {
  const seen = new Set<string>();
  const out: PendingDaemonDto[] = [];
  for (const d of row.offline ?? []) {
    if (seen.has(d.name) || out.length >= MAX_OFFLINE_DAEMONS) continue;
    seen.add(d.name);
    out.push({ name: d.name, last_seen_at: new Date(d.last_seen_at).toISOString() });
  }
  return out;
}

/**
 * Why a pending job waits, most fundamental cause first: no daemon serving the organization has
 * its tags; some have them but none offers its provisioner; the fitting daemons are all offline;
 * the connected fitting daemons are all busy. None when an idle fitting daemon is connected (it is
 * about to take the job).
 */
export function pendingReason(row: JobViewRow): PendingReasonDto | undefined {
  const tags = JSON.stringify(row.tags);
  if (row.tagged_count === 0) {
    return {
      code: 'no_daemon_with_tags',
      message: `No provisioner daemon serving this organization has the tags ${tags}.`,
      tags: row.tags,
    };
  }
  if (row.known_count === 0) {
    return {
      code: 'provisioner_not_served',
      message: `Provisioner daemons with the tags ${tags} serve this organization, but none offers the "${row.provisioner}" provisioner.`,
      tags: row.tags,
      provisioner: row.provisioner,
    };
  }
  if (row.live_count === 0) {
    const daemons = offlineDaemons(row);
    return {
      code: 'daemons_offline',
      message: `Every provisioner daemon able to run this job is offline (${daemons.map((d) => d.name).join(', ')}).`,
      daemons,
    };
  }
  if (row.idle_count === 0) {
    return {
      code: 'daemons_busy',
      message:
        (row.live_count === 1
          ? 'The one connected provisioner daemon able to run this job is busy'
          : `All ${row.live_count} connected provisioner daemons able to run this job are busy`) +
        `; it is number ${row.queue_position} of ${row.queue_size} in their queue.`,
      queue_position: row.queue_position,
      queue_size: row.queue_size,
    };
  }
  return undefined;
}

export function matchedProvisioners(row: JobViewRow): MatchedProvisionersDto {
  return {
    count: row.live_count,
    available: row.idle_count,
    most_recently_seen: row.most_recently_seen ? new Date(row.most_recently_seen).toISOString() : null,
  };
}

function jobInput(input: unknown): { template_version_id?: string; workspace_build_id?: string } {
  const raw = (input ?? {}) as { template_version_id?: unknown; workspace_build_id?: unknown };
  const out: { template_version_id?: string; workspace_build_id?: string } = {};
  if (typeof raw.template_version_id === 'string') out.template_version_id = raw.template_version_id;
  if (typeof raw.workspace_build_id === 'string') out.workspace_build_id = raw.workspace_build_id;
  return out;
}

/** `codersdk.ProvisionerJob` (with our pending additions) of a JOB_VIEWS_SQL row. */
export function toJobResponse(row: JobViewRow): ProvisionerJobResponse {
  const job = fromRow(row);
  const status = jobStatus(job);
  const out: ProvisionerJobResponse = {
    id: job.id,
    created_at: job.createdAt.toISOString(),
    status,
    file_id: job.fileId,
    tags: job.tags,
    queue_position: status === 'pending' ? row.queue_position : 0,
    queue_size: status === 'pending' ? row.queue_size : 0,
    organization_id: job.organizationId,
    initiator_id: job.initiatorId,
    input: jobInput(job.input),
    type: job.type,
    metadata: {
      template_version_name: row.template_version_name ?? '',
      template_id: row.template_id ?? NIL_UUID,
      template_name: row.template_name ?? '',
      template_display_name: row.template_display_name ?? '',
      template_icon: row.template_icon ?? '',
    },
    logs_overflowed: job.logsOverflowed,
  };
  if (job.startedAt) out.started_at = job.startedAt.toISOString();
  if (job.completedAt) out.completed_at = job.completedAt.toISOString();
  if (job.canceledAt) out.canceled_at = job.canceledAt.toISOString();
  if (job.error) out.error = job.error;
  if (job.errorCode) out.error_code = job.errorCode;
  if (job.workerId) out.worker_id = job.workerId;
  if (row.worker_name) out.worker_name = row.worker_name;
  if (row.workspace_id) out.metadata.workspace_id = row.workspace_id;
  if (row.workspace_name) out.metadata.workspace_name = row.workspace_name;
  if (row.workspace_build_transition) out.metadata.workspace_build_transition = row.workspace_build_transition;
  if (status === 'pending') {
    if (row.available_workers?.length) out.available_workers = row.available_workers;
    out.matched_provisioners = matchedProvisioners(row);
    const reason = pendingReason(row);
    if (reason) out.pending_reason = reason;
  }
  return out;
}
