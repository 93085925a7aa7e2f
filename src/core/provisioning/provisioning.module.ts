import { Global, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BuiltinDaemonsService } from './builtin-daemons.service.js';
import { HangDetectorService } from './hang-detector.service.js';
import { JobContextRepository } from './job-context.repository.js';
import { JobLogsStreamService } from './job-logs-stream.service.js';
import { JobsRepository } from './jobs.repository.js';
import { JobsService } from './jobs.service.js';
import { ProvisionerdService } from './provisionerd.service.js';
import { PermissiveQuotaCommitter, QuotaCommitter, QuotaCommitterSlot } from './quota-committer.js';

/** Provisioner jobs: creation and views (JobsService), the daemon side, built-in daemons, hang detection. */
@Global()
@Module({
  providers: [
    JobsRepository,
    JobContextRepository,
    JobsService,
    ProvisionerdService,
    BuiltinDaemonsService,
    HangDetectorService,
    JobLogsStreamService,
    {
      provide: QuotaCommitterSlot,
      inject: [getDataSourceToken()],
      useFactory: (db: DataSource) => new QuotaCommitterSlot(new PermissiveQuotaCommitter(() => db.manager)),
    },
    { provide: QuotaCommitter, useExisting: QuotaCommitterSlot },
  ],
  exports: [JobsService, ProvisionerdService, JobLogsStreamService, QuotaCommitter, QuotaCommitterSlot],
})
export class ProvisioningModule {}
