import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import type { Actor } from '../rbac/actor.js';
import { AuthCheckService } from './authcheck.service.js';
import { AuthorizationCheck, AuthorizationObject, AuthorizationRequest, AUTHORIZATION_RESPONSE_SCHEMA } from './dto/authcheck.dto.js';

@ApiTags('Authorization')
@ApiExtraModels(AuthorizationCheck, AuthorizationObject)
@Controller('authcheck')
export class AuthCheckController {
  constructor(private readonly authcheck: AuthCheckService) {}

  @Post()
  @Authenticated()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check authorization: whether the caller may perform each action (decided by the same RBAC policy as every route)',
  })
  @ApiOkResponse({ schema: AUTHORIZATION_RESPONSE_SCHEMA, description: 'Every requested key → true or false.' })
  @ApiErrors(400)
  check(@CurrentActor() actor: Actor, @Body() body: AuthorizationRequest): Promise<Record<string, boolean>> {
    return this.authcheck.check(actor, body.checks);
  }
}
