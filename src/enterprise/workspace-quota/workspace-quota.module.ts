import { Module } from '@nestjs/common';
import { CoreGroupsModule } from '../../core/groups/groups.module.js';
import { WorkspacesModule } from '../../core/workspaces/workspaces.module.js';
import { WorkspaceQuotaCommitter } from './workspace-quota.committer.js';
import { WorkspaceQuotaController } from './workspace-quota.controller.js';
import { WorkspaceQuotaRepository } from './workspace-quota.repository.js';
import { WorkspaceQuotaService } from './workspace-quota.service.js';
import { ProvisioningModule } from '../../core/provisioning/provisioning.module.js';

/** Workspace quota: the read route, and the committer that enforces budgets on builds. */
@Module({
  imports: [ProvisioningModule, WorkspacesModule, CoreGroupsModule],
  controllers: [WorkspaceQuotaController],
  providers: [WorkspaceQuotaRepository, WorkspaceQuotaService, WorkspaceQuotaCommitter],
})
export class WorkspaceQuotaModule {}
