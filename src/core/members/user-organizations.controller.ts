import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import { OrganizationResponse, toOrganizationResponse } from '../organizations/dto/organization.dto.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import type { Actor } from '../rbac/actor.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import { UserOrganizationsService } from './user-organizations.service.js';

@ApiTags('Organizations')
@Controller('users/:user/organizations')
export class UserOrganizationsController {
  constructor(private readonly service: UserOrganizationsService) {}

  @Route('GET', '', {
    summary: 'Organizations a user belongs to (those the caller can see)',
    returns: [OrganizationResponse],
    errors: [404],
  })
  @Authenticated()
  list(@CurrentActor() actor: Actor, @Resolved('user') user: UserEntity) {
    return this.service.list(actor, user);
  }

  @Route('GET', ':organizationname', {
    summary: 'One organization of a user, by name',
    returns: OrganizationResponse,
    errors: [404],
  })
  @Authenticated()
  getByName(@Resolved('organizationname') org: OrganizationEntity) {
    return toOrganizationResponse(org);
  }
}
