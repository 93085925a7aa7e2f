import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { databaseUnreachable } from './health.errors.js';

/** Liveness: the database answers a ping within 2 s. */
@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.db.pingCheck('database', { timeout: 2000 })]);
    } catch (err) {
      // Terminus reports a failed check as its own 503, whose body would list the indicators.
      if (err instanceof ServiceUnavailableException) throw databaseUnreachable();
      throw err;
    }
  }
}
