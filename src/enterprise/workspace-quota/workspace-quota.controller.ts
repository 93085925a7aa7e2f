import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor } from '../../core/access/access.decorators.js';
import { Resolved } from '../../core/access/resolved-params.js';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import type { Actor } from '../../core/rbac/actor.js';
import type { UserEntity } from '../../core/users/entities/user.entity.js';
import { WorkspaceQuotaResponse } from './dto/workspace-quota.dto.js';
import { WorkspaceQuotaService } from './workspace-quota.service.js';

const READERS = "the user, owners, user admins, admins of the organization or of one of the user's organizations";

@ApiTags('Enterprise')
@Controller('organizations/:organization/members/:user/workspace-quota')
export class OrganizationWorkspaceQuotaController {
  constructor(private readonly quota: WorkspaceQuotaService) {}

  @Route('GET', '', {
    summary: `Get a user's workspace quota in the organization (${READERS})`,
    description: 'Budget and consumption of that organization only; a user who is not a member gets budget 0.',
    returns: WorkspaceQuotaResponse,
    errors: [400, 404],
  })
  @Authenticated()
  get(
    @CurrentActor() actor: Actor,
    @Resolved('organization') org: OrganizationEntity,
    @Resolved('user') user: UserEntity,
  ) {
    return this.quota.get(actor, org, user);
  }
}

@ApiTags('Enterprise')
@Controller('workspace-quota')
export class WorkspaceQuotaController {
  constructor(private readonly quota: WorkspaceQuotaService) {}

  @Route('GET', ':user', {
    summary: `Get workspace quota by user, in the default organization (${READERS})`,
    description: 'Deprecated, as in Coder: use `/organizations/{organization}/members/{user}/workspace-quota`.',
    deprecated: true,
    returns: WorkspaceQuotaResponse,
    errors: [404],
  })
  @Authenticated()
  get(@CurrentActor() actor: Actor, @Resolved('user') user: UserEntity) {
    return this.quota.getInDefaultOrganization(actor, user);
  }
}
