import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, Authorize } from '../access/access.decorators.js';
import { DeploymentStatsService } from './deployment-stats.service.js';
import { DeploymentService } from './deployment.service.js';
import { DeploymentConfigResponse, DeploymentStatsResponse, SSHConfigResponse } from './dto/deployment.dto.js';

@ApiTags('General')
@Controller('deployment')
export class DeploymentController {
  constructor(
    private readonly deployment: DeploymentService,
    private readonly stats: DeploymentStatsService,
  ) {}

  @Get('config')
  @Authorize('deployment_config', 'read')
  @ApiOperation({
    summary: 'Get deployment config (owner, auditor): the CODER_* settings as Coder options; secrets carry no value',
  })
  @ApiOkResponse({ type: DeploymentConfigResponse })
  config(): DeploymentConfigResponse {
    return this.deployment.configuration();
  }

  @Get('stats')
  @Authorize('deployment_stats', 'read')
  @ApiOperation({
    summary: 'Get deployment stats (owner, auditor)',
    description:
      'Workspace counts by the state of their latest build, recomputed at most every 30 s. Connection latency, ' +
      'traffic and session counts are always 0: this server has no workspace agents.',
  })
  @ApiOkResponse({ type: DeploymentStatsResponse })
  deploymentStats(): Promise<DeploymentStatsResponse> {
    return this.stats.get();
  }

  @Get('ssh')
  @Authenticated()
  @ApiOperation({ summary: 'SSH config for `coder config-ssh` (Coder\'s defaults; not configurable here)' })
  @ApiOkResponse({ type: SSHConfigResponse })
  ssh(): SSHConfigResponse {
    return this.deployment.ssh();
  }
}
