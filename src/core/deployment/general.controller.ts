import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, Public } from '../access/access.decorators.js';
import { DeploymentService } from './deployment.service.js';
import { AvailableExperimentsResponse, UpdateCheckResponse } from './dto/deployment.dto.js';

@ApiTags('General')
@Controller('experiments')
export class ExperimentsController {
  constructor(private readonly deployment: DeploymentService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Get enabled experiments (CODER_EXPERIMENTS)' })
  @ApiOkResponse({ type: [String] })
  enabled(): string[] {
    return this.deployment.experiments();
  }

  @Get('available')
  @Authenticated()
  @ApiOperation({ summary: 'Get safe experiments: those `CODER_EXPERIMENTS=*` enables' })
  @ApiOkResponse({ type: AvailableExperimentsResponse })
  available(): AvailableExperimentsResponse {
    return this.deployment.availableExperiments();
  }
}

@ApiTags('General')
@Controller('updatecheck')
export class UpdateCheckController {
  constructor(private readonly deployment: DeploymentService) {}

  // Public as in Coder: the answer is the server's own version, which /buildinfo already shows.
  @Get()
  @Public()
  @ApiOperation({ summary: 'Update check: always current (this server never checks for updates)' })
  @ApiOkResponse({ type: UpdateCheckResponse })
  check(): UpdateCheckResponse {
    return this.deployment.updateCheck();
  }
}
