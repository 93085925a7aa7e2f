import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { UsersModule } from '../users/users.module.js';
import { WorkspaceBuilder } from './workspace-builder.js';
import { WorkspaceBuildsController } from './workspace-builds.controller.js';
import { WorkspaceBuildsRepository } from './workspace-builds.repository.js';
import { WorkspaceBuildsService } from './workspace-builds.service.js';
import { WorkspaceCreateService } from './workspace-create.service.js';
import { WorkspacePresenter } from './workspace-presenter.js';
import { WorkspaceSettingsService } from './workspace-settings.service.js';
import { WorkspacesController } from './workspaces.controller.js';
import { WorkspacesRepository } from './workspaces.repository.js';
import { WorkspacesService } from './workspaces.service.js';
import { WorkspaceBuildLogsGateway } from './workspace-build-logs.gateway.js';

/** Workspaces and their builds (start, stop, delete), run as provisioner jobs. */
@Module({
  imports: [OrganizationsModule, UsersModule, TemplatesModule],
  controllers: [WorkspacesController, WorkspaceBuildsController],
  providers: [
    WorkspaceBuildLogsGateway,
    WorkspacesService,
    WorkspaceCreateService,
    WorkspaceSettingsService,
    WorkspaceBuildsService,
    WorkspaceBuilder,
    WorkspacePresenter,
    WorkspacesRepository,
    WorkspaceBuildsRepository,
  ],
  exports: [WorkspacesService],
})
export class WorkspacesModule {}
