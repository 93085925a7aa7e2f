import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../../core/organizations/organizations.module.js';
import { ProvisioningModule } from '../../core/provisioning/provisioning.module.js';
import { WorkspacesModule } from '../../core/workspaces/workspaces.module.js';
import { WorkspaceQuotaCommitter } from './workspace-quota.committer.js';
import { OrganizationWorkspaceQuotaController, WorkspaceQuotaController } from './workspace-quota.controller.js';
import { WorkspaceQuotaRepository } from './workspace-quota.repository.js';
import { WorkspaceQuotaService } from './workspace-quota.service.js';

/** Workspace quota, per user and organization: the read routes, and the committer that enforces budgets on builds. */
@Module({
  imports: [ProvisioningModule, WorkspacesModule, OrganizationsModule],
  controllers: [OrganizationWorkspaceQuotaController, WorkspaceQuotaController],
  providers: [WorkspaceQuotaRepository, WorkspaceQuotaService, WorkspaceQuotaCommitter],
})
export class WorkspaceQuotaModule {}
