import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiError } from '../../common/errors.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Public } from '../access/access.decorators.js';

/** `GET /healthz` (outside `/api/v2`, as in Coder): 200 while the database answers a ping. */
@ApiTags('General')
@Controller('healthz')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness and database reachability' })
  @ApiOkResponse({ schema: { example: { status: 'ok', info: { database: { status: 'up' } } } } })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The database did not answer a ping: `The database is unreachable.`' })
  async check() {
    try {
      return await this.health.check([() => this.db.pingCheck('database', { timeout: 2000 })]);
    } catch (err) {
      if (err instanceof ServiceUnavailableException) {
        throw new ApiError(503, { message: 'The database is unreachable.', detail: 'database ping failed' });
      }
      throw err;
    }
  }
}
