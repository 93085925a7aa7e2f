import { Module } from '@nestjs/common';
import { DeploymentStatsRepository } from './deployment-stats.repository.js';
import { DeploymentStatsService } from './deployment-stats.service.js';
import { DeploymentController } from './deployment.controller.js';
import { DeploymentService } from './deployment.service.js';
import { ExperimentsController, UpdateCheckController } from './general.controller.js';

/** `/deployment/{config,stats,ssh}`, `/experiments` and `/updatecheck`. */
@Module({
  controllers: [DeploymentController, ExperimentsController, UpdateCheckController],
  providers: [DeploymentService, DeploymentStatsService, DeploymentStatsRepository],
  exports: [DeploymentService],
})
export class DeploymentModule {}
