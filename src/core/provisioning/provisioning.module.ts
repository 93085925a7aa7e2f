import { Module } from '@nestjs/common';
import { FilesRepository } from '../files/files.repository.js';
import { BuildDeadlinesService } from '../workspaces/build-deadlines.service.js';
import { WorkspaceBuildsRepository } from '../workspaces/workspace-builds.repository.js';
import { WorkspacesRepository } from '../workspaces/workspaces.repository.js';
import { BuiltinDaemonsService } from './builtin-daemons.service.js';
import { DaemonPurgeService } from './daemon-purge.service.js';
import { HangDetectorService } from './hang-detector.service.js';
import { JobLogsStreamService } from './job-logs-stream.service.js';
import { JobReaperRepository } from './job-reaper.repository.js';
import { JobsRepository } from './jobs.repository.js';
import { JobsService } from './jobs.service.js';
import { ProvisionerDaemonsRepository } from './provisioner-daemons.repository.js';
import { ProvisionerdService } from './provisionerd.service.js';
import { ProvisionerJobsController } from './provisioner-jobs.controller.js';
import { PermissiveQuotaCommitter, QuotaCommitter, QuotaCommitterSlot } from './quota-committer.js';
import { AccessModule } from '../access/resolved-params.js';
import { AuthModule } from '../auth/auth.module.js';
import { PubSubModule } from '../../database/pubsub/pubsub.module.js';

/**
 * Provisioner jobs: creation and views (JobsService), the daemon side, built-in daemons, hang detection.
 * A job's outcome lands in the files, workspaces and builds it names: their repositories (owned by
 * those features, stateless over `Database`) are provided here too, since this module sits
 * below the feature modules and cannot import them.
 */
@Module({
  imports: [AccessModule, PubSubModule, AuthModule],
  controllers: [ProvisionerJobsController],
  providers: [
    JobsRepository,
    ProvisionerDaemonsRepository,
    FilesRepository,
    WorkspacesRepository,
    WorkspaceBuildsRepository,
    BuildDeadlinesService,
    JobsService,
    ProvisionerdService,
    BuiltinDaemonsService,
    HangDetectorService,
    DaemonPurgeService,
    JobReaperRepository,
    JobLogsStreamService,
    PermissiveQuotaCommitter,
    {
      provide: QuotaCommitterSlot,
      inject: [PermissiveQuotaCommitter],
      useFactory: (permissive: PermissiveQuotaCommitter) => new QuotaCommitterSlot(permissive),
    },
    { provide: QuotaCommitter, useExisting: QuotaCommitterSlot },
  ],
  exports: [
    BuildDeadlinesService,
    JobsService,
    ProvisionerdService,
    JobLogsStreamService,
    ProvisionerDaemonsRepository,
    JobReaperRepository,
    QuotaCommitter,
    QuotaCommitterSlot,
  ],
})
export class ProvisioningModule {}
