import { Body, Controller, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import type { Actor } from '../rbac/actor.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import { ApiKeyTokensService } from './api-key-tokens.service.js';
import {
  ApiKeyResponse,
  ApiKeyWithOwnerResponse,
  CreateTokenRequest,
  GenerateApiKeyResponse,
  TokenConfigResponse,
} from './dto/api-key.dto.js';
import type { ApiKeyEntity } from './entities/api-key.entity.js';

/** `/users/{user}/keys/tokens`: long-lived API tokens. */
@ApiTags('Users')
@Controller('users/:user/keys/tokens')
export class ApiKeyTokensController {
  constructor(private readonly tokens: ApiKeyTokensService) {}

  @Route('POST', '', {
    summary: 'Create a long-lived API token',
    returns: GenerateApiKeyResponse,
    errors: [400, 403, 404, 409],
  })
  @Authenticated()
  createToken(
    @CurrentActor() actor: Actor,
    @Resolved('user') user: UserEntity,
    @Body() body: CreateTokenRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.tokens.createToken(actor, user, body, meta);
  }

  @Route('GET', '', {
    summary: 'List long-lived API tokens',
    returns: [ApiKeyWithOwnerResponse],
    errors: [400, 403, 404],
    query: [{ name: 'include_all', required: false, type: Boolean, description: 'Tokens of every user (owners)' }],
  })
  @Authenticated()
  listTokens(
    @CurrentActor() actor: Actor,
    @Resolved('user') user: UserEntity,
    @Query() query: Record<string, unknown>,
  ) {
    return this.tokens.listTokens(actor, user, query);
  }

  @Route('GET', 'tokenconfig', {
    summary: 'Token settings (maximum lifetime, in nanoseconds)',
    returns: TokenConfigResponse,
    errors: [403, 404],
  })
  @Authenticated()
  tokenConfig(@CurrentActor() actor: Actor, @Resolved('user') user: UserEntity) {
    return this.tokens.tokenConfig(actor, user);
  }

  @Route('GET', ':keyname', { summary: 'Get an API token by name', returns: ApiKeyResponse, errors: [403, 404] })
  @Authenticated()
  getTokenByName(
    @CurrentActor() actor: Actor,
    @Resolved('user') user: UserEntity,
    @Resolved('keyname') key: ApiKeyEntity,
  ) {
    return this.tokens.getTokenByName(actor, user, key);
  }
}
