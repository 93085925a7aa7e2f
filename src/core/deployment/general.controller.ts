import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, Public } from '../access/access.decorators.js';
import { DeploymentService } from './deployment.service.js';
import { AvailableExperimentsResponse, UpdateCheckResponse } from './dto/deployment.dto.js';

@ApiTags('General')
@Controller('experiments')
export class ExperimentsController {
  constructor(private readonly deployment: DeploymentService) {}

  @Route('GET', '', { summary: 'Get enabled experiments (CODER_EXPERIMENTS)', returns: [String] })
  @Authenticated()
  enabled(): string[] {
    return this.deployment.experiments();
  }

  @Route('GET', 'available', {
    summary: 'Get safe experiments: those `CODER_EXPERIMENTS=*` enables',
    returns: AvailableExperimentsResponse,
  })
  @Authenticated()
  available(): AvailableExperimentsResponse {
    return this.deployment.availableExperiments();
  }
}

@ApiTags('General')
@Controller('updatecheck')
export class UpdateCheckController {
  constructor(private readonly deployment: DeploymentService) {}

  // Public as in Coder: the answer is the server's own version, which /buildinfo already shows.
  @Route('GET', '', {
    summary: 'Update check: always current (this server never checks for updates)',
    returns: UpdateCheckResponse,
  })
  @Public()
  check(): UpdateCheckResponse {
    return this.deployment.updateCheck();
  }
}
