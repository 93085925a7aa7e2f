import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { HealthCheckResult } from '@nestjs/terminus';
import { Route } from '../../common/decorators/route.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Public } from '../access/access.decorators.js';
import { HealthService } from './health.service.js';

/** `GET /healthz` (outside `/api/v2`, as in Coder): 200 while the database answers a ping. */
@ApiTags('General')
@Controller('healthz')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Route('GET', '', {
    summary: 'Liveness and database reachability',
    responses: [
      { status: 200, schema: { example: { status: 'ok', info: { database: { status: 'up' } } } } },
      {
        status: 503,
        type: ErrorResponseDto,
        description: 'The database did not answer a ping: `The database is unreachable.`',
      },
    ],
  })
  @Public()
  check(): Promise<HealthCheckResult> {
    return this.health.check();
  }
}
