import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { invalidUuid, isUuid, notFound } from '../../common/errors.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import { toJobResponse } from './dto/job-view.js';
import { toLogResponse, toResourceResponse, type ProvisionerJobResponse } from './dto/job.dto.js';
import {
  ProvisionerJobEntity,
  type JobInput,
  type JobType,
  type ProvisionerType,
} from './entities/provisioner-job.entity.js';
import { JobsRepository } from './jobs.repository.js';
import { ProvisionerdService } from './provisionerd.service.js';
import type { JobListQuery } from './provisioner-jobs.query.js';

/** Who reads every job of an organization: those who manage its templates (owner, template admin, org admin). */
function seesEveryJob(actor: Actor, organizationId: string): boolean {
  return can(actor, 'update', { type: 'template', orgId: organizationId });
}

export interface NewJob {
  type: JobType;
  provisioner: ProvisionerType;
  organizationId: string;
  initiatorId: string;
  fileId: string;
  input: JobInput;
  tags: Record<string, string>;
}

/** The API side of provisioner jobs: creating them (for versions and builds) and presenting them. */
/** A workspace build's job, with the build columns read in the job's snapshot. */
export interface BuildJob {
  job: ProvisionerJobResponse;
  dailyCost: number | null;
  updatedAt: Date | null;
  deadline: Date | null;
  maxDeadline: Date | null;
}

@Injectable()
export class JobsService {
  constructor(
    private readonly repo: JobsRepository,
    private readonly provisionerd: ProvisionerdService,
  ) {}

  /** Inserts a pending job (inside the caller's transaction, if any); call `announce` after the commit. */
  async createJob(input: NewJob): Promise<ProvisionerJobEntity> {
    const now = new Date();
    const job = Object.assign(new ProvisionerJobEntity(), {
      id: randomUUID(),
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      canceledAt: null,
      completedAt: null,
      error: null,
      errorCode: null,
      organizationId: input.organizationId,
      initiatorId: input.initiatorId,
      provisioner: input.provisioner,
      storageMethod: 'file',
      type: input.type,
      input: input.input,
      workerId: null,
      fileId: input.fileId,
      tags: input.tags,
      logsOverflowed: false,
    });
    return this.repo.insertJob(job);
  }

  /** Wakes idle daemons on every replica (best effort; they also poll). */
  announce(job: ProvisionerJobEntity): Promise<void> {
    return this.provisionerd.announceJob(job);
  }

  getJob(id: string): Promise<ProvisionerJobEntity | null> {
    return this.repo.getJob(id);
  }

  /** Jobs by id with their API view (queue place, fitting daemons and pending reason for pending ones). */
  async describeJobs(ids: string[]): Promise<Map<string, ProvisionerJobResponse>> {
    const out = new Map<string, ProvisionerJobResponse>();
    if (ids.length === 0) return out;
    for (const row of await this.repo.jobViews({ ids })) out.set(row.id, toJobResponse(row));
    return out;
  }

  /**
   * `describeJobs` for workspace builds, with each build's daily cost, update time and deadlines
   * read in the same statement as its job: a build row read before the job may predate the quota
   * commit (or the deadline) of a job that has completed since.
   */
  async describeBuildJobs(ids: string[]): Promise<Map<string, BuildJob>> {
    const out = new Map<string, BuildJob>();
    if (ids.length === 0) return out;
    for (const row of await this.repo.jobViews({ ids })) {
      out.set(row.id, {
        job: toJobResponse(row),
        dailyCost: row.workspace_build_daily_cost,
        updatedAt: row.workspace_build_updated_at,
        deadline: row.workspace_build_deadline,
        maxDeadline: row.workspace_build_max_deadline,
      });
    }
    return out;
  }

  async describeJob(id: string): Promise<ProvisionerJobResponse | undefined> {
    return (await this.describeJobs([id])).get(id);
  }

  /**
   * An organization's jobs, newest first, in one statement. Owners, template admins and the
   * organization's admins (who manage its templates) see every job; other members only the jobs
   * they started or that build their workspaces, filtered in SQL so `limit` counts visible jobs.
   */
  async listOrganizationJobs(
    actor: Actor,
    organization: OrganizationEntity,
    query: JobListQuery,
  ): Promise<ProvisionerJobResponse[]> {
    const rows = await this.repo.jobViews({
      ...query,
      organizationId: organization.id,
      viewerId: seesEveryJob(actor, organization.id) ? undefined : actor.id,
    });
    return rows.map(toJobResponse);
  }

  /** One of an organization's jobs: 400 for a malformed id, 404 when missing, elsewhere or hidden. */
  async getOrganizationJob(
    actor: Actor,
    organization: OrganizationEntity,
    rawId: string,
  ): Promise<ProvisionerJobResponse> {
    if (!isUuid(rawId)) throw invalidUuid(rawId, rawId);
    const [row] = await this.repo.jobViews({
      ids: [rawId.toLowerCase()],
      organizationId: organization.id,
      viewerId: seesEveryJob(actor, organization.id) ? undefined : actor.id,
    });
    if (!row) throw notFound();
    return toJobResponse(row);
  }

  async logs(jobId: string, after = '0') {
    return (await this.repo.listLogs(jobId, after)).map(toLogResponse);
  }

  async resources(jobIds: string[]) {
    return (await this.repo.listResourcesOfJobs(jobIds)).map(toResourceResponse);
  }

  /** Cancels a job not yet completed (template version imports); see JobsRepository.cancelJob. */
  cancelJob(jobId: string): Promise<'canceled' | 'completed' | 'already_canceled' | 'missing'> {
    return this.repo.cancelJob(jobId);
  }
}
