import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import { OrganizationResponse } from '../organizations/dto/organization.dto.js';
import type { Actor } from '../rbac/actor.js';
import { UserOrganizationsService } from './user-organizations.service.js';

const USER_PARAM = { name: 'user', description: 'User ID, username, or `me`' };

@ApiTags('Organizations')
@Controller('users/:user/organizations')
export class UserOrganizationsController {
  constructor(private readonly service: UserOrganizationsService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Organizations a user belongs to (those the caller can see)' })
  @ApiParam(USER_PARAM)
  @ApiOkResponse({ type: [OrganizationResponse] })
  @ApiErrors(404)
  list(@CurrentActor() actor: Actor, @Param('user') user: string) {
    return this.service.list(actor, user);
  }

  @Get(':organizationname')
  @Authenticated()
  @ApiOperation({ summary: 'One organization of a user, by name' })
  @ApiParam(USER_PARAM)
  @ApiParam({ name: 'organizationname' })
  @ApiOkResponse({ type: OrganizationResponse })
  @ApiErrors(404)
  getByName(@CurrentActor() actor: Actor, @Param('user') user: string, @Param('organizationname') name: string) {
    return this.service.getByName(actor, user, name);
  }
}
