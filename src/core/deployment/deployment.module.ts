import { Module } from '@nestjs/common';
import { WorkspacesModule } from '../workspaces/workspaces.module.js';
import { DeploymentStatsService } from './deployment-stats.service.js';
import { DeploymentController } from './deployment.controller.js';
import { DeploymentService } from './deployment.service.js';
import { ExperimentsController, UpdateCheckController } from './general.controller.js';

/** `/deployment/{config,stats,ssh}`, `/experiments` and `/updatecheck`. */
@Module({
  imports: [WorkspacesModule],
  controllers: [DeploymentController, ExperimentsController, UpdateCheckController],
  providers: [DeploymentService, DeploymentStatsService],
  exports: [DeploymentService],
})
export class DeploymentModule {}
