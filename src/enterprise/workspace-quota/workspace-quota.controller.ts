import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { Authenticated, CurrentActor } from '../../core/access/access.decorators.js';
import type { Actor } from '../../core/rbac/actor.js';
import { WorkspaceQuotaResponse } from './dto/workspace-quota.dto.js';
import { WorkspaceQuotaService } from './workspace-quota.service.js';

@ApiTags('Enterprise')
@Controller('workspace-quota')
export class WorkspaceQuotaController {
  constructor(private readonly quota: WorkspaceQuotaService) {}

  @Get(':user')
  @Authenticated()
  @ApiOperation({ summary: 'Get workspace quota by user (the user, owners, user admins, their organizations\' admins)' })
  @ApiParam({ name: 'user', description: 'User ID, username, or `me`' })
  @ApiOkResponse({ type: WorkspaceQuotaResponse })
  @ApiErrors(404)
  get(@CurrentActor() actor: Actor, @Param('user') user: string) {
    return this.quota.get(actor, user);
  }
}
