import { Controller, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Route } from '../../common/decorators/route.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authorize, CurrentActor } from '../../core/access/access.decorators.js';
import { notEntitledMessage } from '../../core/licensing/licensing.errors.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { Actor } from '../../core/rbac/actor.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditLogsResponse } from './dto/audit-log.dto.js';

const Q_HELP =
  'Coder search syntax: bare words are a resource type; keys `resource_type`, `resource_id`, `resource_target`, ' +
  '`action`, `username` (`me` = the caller), `email`, `date_from`, `date_to` (`2006-01-02`, inclusive), ' +
  '`build_reason`. Unknown keys and invalid values are 400 `Invalid audit search query.`';

@ApiTags('Audit')
@RequireFeature('audit_log')
@Controller('audit')
export class AuditController {
  constructor(private readonly logs: AuditLogService) {}

  @Route('GET', '', {
    summary: 'Get audit logs (owners and auditors; needs the audit_log entitlement)',
    returns: AuditLogsResponse,
    // Listed in the order the page has always shown them.
    query: [
      { name: 'offset', type: Number, required: false },
      { name: 'limit', type: Number, required: false, description: 'Page size, at most 1000 (0 or absent = 1000)' },
      { name: 'q', type: String, required: false, description: Q_HELP, example: 'resource_type:user action:create' },
    ],
    responses: [
      {
        status: 400,
        type: ErrorResponseDto,
        description:
          'Bad `limit`/`offset` (`Query parameters have invalid values.`) or `q` (`Invalid audit search query.`), with validations.',
      },
      // The method-level 403 (the permission) replaces the controller's; this keeps the gate's answer in it.
      { status: 403, description: `When not entitled: \`${notEntitledMessage('audit_log')}\``, type: ErrorResponseDto },
    ],
  })
  @Authorize('audit_log', 'read')
  list(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    return this.logs.list(actor, query);
  }
}
