import { Body, Controller } from '@nestjs/common';
import { ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import type { Actor } from '../rbac/actor.js';
import { AuthCheckService } from './authcheck.service.js';
import {
  AuthorizationCheck,
  AuthorizationObject,
  AuthorizationRequest,
  AUTHORIZATION_RESPONSE_SCHEMA,
} from './dto/authcheck.dto.js';

@ApiTags('Authorization')
@ApiExtraModels(AuthorizationCheck, AuthorizationObject)
@Controller('authcheck')
export class AuthCheckController {
  constructor(private readonly authcheck: AuthCheckService) {}

  @Route('POST', '', {
    summary:
      'Check authorization: whether the caller may perform each action (decided by the same RBAC policy as every route)',
    status: 200,
    responses: [
      { status: 200, schema: AUTHORIZATION_RESPONSE_SCHEMA, description: 'Every requested key → true or false.' },
    ],
    errors: [400],
  })
  @Authenticated()
  check(@CurrentActor() actor: Actor, @Body() body: AuthorizationRequest): Promise<Record<string, boolean>> {
    return this.authcheck.check(actor, body.checks);
  }
}
