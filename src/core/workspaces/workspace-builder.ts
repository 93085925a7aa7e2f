import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { internalError } from '../../common/errors.js';
import { jobStatus } from '../provisioning/dto/job.dto.js';
import type { ProvisionerJobEntity, ProvisionerType } from '../provisioning/entities/provisioner-job.entity.js';
import { JobsService } from '../provisioning/jobs.service.js';
import { mutateTags } from '../provisioning/tags.js';
import type { TemplateVersionEntity } from '../templates/entities/template-version.entity.js';
import type { TemplateEntity } from '../templates/entities/template.entity.js';
import { WorkspaceBuildEntity, type Transition } from './entities/workspace-build.entity.js';
import type { WorkspaceEntity } from './entities/workspace.entity.js';
import { WorkspaceBuildsRepository } from './workspace-builds.repository.js';
import { importNotSucceeded } from './workspaces.errors.js';

export interface NewBuild {
  workspace: WorkspaceEntity;
  template: TemplateEntity;
  version: TemplateVersionEntity;
  importJob: ProvisionerJobEntity;
  transition: Transition;
  initiatorId: string;
  buildNumber: number;
  state: Buffer;
  richParameterValues?: { name: string; value: string }[];
  /** Coder's build reason; `initiator` (a user asked) unless the lifecycle executor builds. */
  reason?: 'initiator' | 'autostart' | 'autostop';
}

/** What Coder's wsbuilder does for every build: check the version's import, then insert the job and the build. */
@Injectable()
export class WorkspaceBuilder {
  constructor(
    private readonly jobs: JobsService,
    private readonly builds: WorkspaceBuildsRepository,
  ) {}

  /** The version's import job, if it succeeded; otherwise Coder's 406 (still importing) or 400 (failed, canceled). */
  async succeededImport(version: TemplateVersionEntity): Promise<ProvisionerJobEntity> {
    const job = await this.jobs.getJob(version.jobId);
    if (!job) throw internalError(`template version ${version.id} has no import job`);
    const status = jobStatus(job);
    if (status !== 'succeeded') throw importNotSucceeded(status, version, job.error);
    return job;
  }

  /**
   * Inserts the job (the template's provisioner, the import's file, the import's tags re-scoped to
   * the workspace owner) and the build, inside the caller's transaction. Announce the job after commit.
   */
  async insert(input: NewBuild): Promise<{ build: WorkspaceBuildEntity; job: ProvisionerJobEntity }> {
    const buildId = randomUUID();
    const job = await this.jobs.createJob({
      type: 'workspace_build',
      provisioner: input.template.provisioner as ProvisionerType,
      organizationId: input.template.organizationId,
      initiatorId: input.initiatorId,
      fileId: input.importJob.fileId,
      input: { workspace_build_id: buildId, rich_parameter_values: input.richParameterValues ?? [] },
      tags: mutateTags(input.workspace.ownerId, input.importJob.tags),
    });
    const now = new Date();
    const build = Object.assign(new WorkspaceBuildEntity(), {
      id: buildId,
      createdAt: now,
      updatedAt: now,
      workspaceId: input.workspace.id,
      templateVersionId: input.version.id,
      buildNumber: input.buildNumber,
      transition: input.transition,
      initiatorId: input.initiatorId,
      provisionerState: input.state,
      jobId: job.id,
      deadline: null,
      reason: input.reason ?? 'initiator',
      dailyCost: 0,
    });
    await this.builds.insertBuild(build);
    return { build, job };
  }
}
