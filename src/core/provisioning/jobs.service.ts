import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { toJobResponse, toLogResponse, toResourceResponse, type ProvisionerJobResponse } from './dto/job.dto.js';
import {
  ProvisionerJobEntity,
  type JobInput,
  type JobType,
  type ProvisionerType,
} from './entities/provisioner-job.entity.js';
import { JobsRepository } from './jobs.repository.js';
import { ProvisionerdService } from './provisionerd.service.js';

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

  /** Jobs by id with their API view (queue position and matching daemons for pending ones). */
  async describeJobs(ids: string[]): Promise<Map<string, ProvisionerJobResponse>> {
    const jobs = await this.repo.getJobs(ids);
    const queue = await this.repo.queueInfo(jobs);
    const matched = await this.repo.matchingDaemonsOfJobs(jobs.filter((job) => !job.startedAt && !job.canceledAt));
    const out = new Map<string, ProvisionerJobResponse>();
    for (const job of jobs) {
      out.set(job.id, toJobResponse(job, { queue: queue.get(job.id), matched: matched.get(job.id) }));
    }
    return out;
  }

  async describeJob(id: string): Promise<ProvisionerJobResponse | undefined> {
    return (await this.describeJobs([id])).get(id);
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
