import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Route } from '../../common/decorators/route.decorator.js';
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

  @Route('GET', 'config', {
    summary: 'Get deployment config (owner, auditor): the CODER_* settings as Coder options; secrets carry no value',
    returns: DeploymentConfigResponse,
  })
  @Authorize('deployment_config', 'read')
  config(): DeploymentConfigResponse {
    return this.deployment.configuration();
  }

  @Route('GET', 'stats', {
    summary: 'Get deployment stats (owner, auditor)',
    description:
      'Workspace counts by the state of their latest build, recomputed at most every 30 s. Connection latency, ' +
      'traffic and session counts are always 0: this server has no workspace agents.',
    returns: DeploymentStatsResponse,
  })
  @Authorize('deployment_stats', 'read')
  deploymentStats(): Promise<DeploymentStatsResponse> {
    return this.stats.get();
  }

  @Route('GET', 'ssh', {
    summary: "SSH config for `coder config-ssh` (Coder's defaults; not configurable here)",
    returns: SSHConfigResponse,
  })
  @Authenticated()
  ssh(): SSHConfigResponse {
    return this.deployment.ssh();
  }
}
