import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authorize, CurrentActor } from '../access/access.decorators.js';
import { RequireFeature } from '../licensing/require-feature.decorator.js';
import type { Actor } from '../rbac/actor.js';
import { AuditLogsService } from './audit-logs.service.js';
import { AuditLogsResponse } from './dto/audit-log.dto.js';

const Q_HELP =
  'Coder search syntax: bare words are a resource type; keys `resource_type`, `resource_id`, `resource_target`, ' +
  '`action`, `username` (`me` = the caller), `email`, `date_from`, `date_to` (`2006-01-02`, inclusive), ' +
  '`build_reason`. Unknown keys and invalid values are 400 `Invalid audit search query.`';

@ApiTags('Audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly logs: AuditLogsService) {}

  @Get()
  @RequireFeature('audit_log')
  @Authorize('audit_log', 'read')
  @ApiOperation({ summary: 'Get audit logs (owners and auditors; needs the audit_log entitlement)' })
  @ApiQuery({ name: 'q', type: String, required: false, description: Q_HELP, example: 'resource_type:user action:create' })
  @ApiQuery({ name: 'limit', type: Number, required: false, description: 'Page size, at most 1000 (0 or absent = 1000)' })
  @ApiQuery({ name: 'offset', type: Number, required: false })
  @ApiOkResponse({ type: AuditLogsResponse })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'Bad `limit`/`offset` (`Query parameters have invalid values.`) or `q` (`Invalid audit search query.`), with validations.',
  })
  list(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    return this.logs.list(actor, query);
  }
}
