import { Module } from '@nestjs/common';
import { UsersModule } from '../../core/users/users.module.js';
import { WorkspaceQuotaCommitter } from './workspace-quota.committer.js';
import { WorkspaceQuotaController } from './workspace-quota.controller.js';
import { WorkspaceQuotaRepository } from './workspace-quota.repository.js';
import { WorkspaceQuotaService } from './workspace-quota.service.js';

/** Workspace quota: the read route, and the committer that enforces budgets on builds. */
@Module({
  imports: [UsersModule],
  controllers: [WorkspaceQuotaController],
  providers: [WorkspaceQuotaRepository, WorkspaceQuotaService, WorkspaceQuotaCommitter],
})
export class WorkspaceQuotaModule {}
