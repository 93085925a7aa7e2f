import { Module } from '@nestjs/common';
import { AccessModule } from '../access/resolved-params.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { UsersModule } from '../users/users.module.js';
import { SuspendedOwnerStopsService } from './suspended-owner-stops.service.js';
import { WorkspaceBuilder } from './workspace-builder.js';
import { WorkspaceBuildLogsGateway } from './workspace-build-logs.gateway.js';
import { WorkspaceBuildController, WorkspaceBuildsController } from './workspace-builds.controller.js';
import { WorkspaceBuildsRepository } from './workspace-builds.repository.js';
import { WorkspaceBuildsService } from './workspace-builds.service.js';
import { WorkspaceCreateService } from './workspace-create.service.js';
import { WorkspacePresenter } from './workspace-presenter.js';
import { WorkspaceSettingsService } from './workspace-settings.service.js';
import {
  MemberWorkspacesController,
  UserWorkspaceCreateController,
  UserWorkspacesController,
  WorkspacesController,
} from './workspaces.controller.js';
import {
  WorkspaceBuildParamResolver,
  WorkspaceNameParamResolver,
  WorkspaceParamResolver,
} from './workspaces.params.js';
import { WorkspacesRepository } from './workspaces.repository.js';
import { WorkspacesService } from './workspaces.service.js';
import { AuditModule } from '../audit/audit.module.js';
import { ProvisioningModule } from '../provisioning/provisioning.module.js';

/**
 * Workspaces and their builds (start, stop, delete), run as provisioner jobs; the `{workspace}`,
 * `{workspacebuild}` and `{workspacename}` path parameters. Exports its repositories for the
 * workspace quota (src/enterprise/workspace-quota) and its build creator for the lifecycle
 * executor (src/core/lifecycle).
 */
@Module({
  imports: [ProvisioningModule, AuditModule, AccessModule, OrganizationsModule, UsersModule, TemplatesModule],
  controllers: [
    WorkspacesController,
    MemberWorkspacesController,
    UserWorkspaceCreateController,
    UserWorkspacesController,
    WorkspaceBuildsController,
    WorkspaceBuildController,
  ],
  providers: [
    WorkspaceParamResolver,
    WorkspaceBuildParamResolver,
    WorkspaceNameParamResolver,
    WorkspaceBuildLogsGateway,
    WorkspacesService,
    WorkspaceCreateService,
    WorkspaceSettingsService,
    WorkspaceBuildsService,
    WorkspaceBuilder,
    WorkspacePresenter,
    WorkspacesRepository,
    WorkspaceBuildsRepository,
    SuspendedOwnerStopsService,
  ],
  exports: [WorkspacesService, WorkspacesRepository, WorkspaceBuildsRepository, WorkspaceBuilder],
})
export class WorkspacesModule {}
