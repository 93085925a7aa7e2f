import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor } from '../../core/access/access.decorators.js';
import { Resolved } from '../../core/access/resolved-params.js';
import type { Actor } from '../../core/rbac/actor.js';
import type { UserEntity } from '../../core/users/entities/user.entity.js';
import { WorkspaceQuotaResponse } from './dto/workspace-quota.dto.js';
import { WorkspaceQuotaService } from './workspace-quota.service.js';

@ApiTags('Enterprise')
@Controller('workspace-quota')
export class WorkspaceQuotaController {
  constructor(private readonly quota: WorkspaceQuotaService) {}

  @Route('GET', ':user', {
    summary: "Get workspace quota by user (the user, owners, user admins, their organizations' admins)",
    returns: WorkspaceQuotaResponse,
    errors: [404],
  })
  @Authenticated()
  get(@CurrentActor() actor: Actor, @Resolved('user') user: UserEntity) {
    return this.quota.get(actor, user);
  }
}
