import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import type { Actor } from '../rbac/actor.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyResponse, GenerateApiKeyResponse } from './dto/api-key.dto.js';
import type { ApiKeyEntity } from './entities/api-key.entity.js';

/** `/users/{user}/keys`: session keys, and any key by id. Tokens by name: api-key-tokens.controller.ts. */
@ApiTags('Users')
@Controller('users/:user/keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Route('POST', '', {
    summary: 'Create a 7-day session key for a user',
    returns: GenerateApiKeyResponse,
    errors: [403, 404],
  })
  @Authenticated()
  createSessionKey(@CurrentActor() actor: Actor, @Resolved('user') user: UserEntity, @ReqMeta() meta: RequestMeta) {
    return this.keys.createSessionKey(actor, user, meta);
  }

  @Route('GET', ':keyid', { summary: 'Get an API key by id', returns: ApiKeyResponse, errors: [403, 404] })
  @Authenticated()
  getKey(@CurrentActor() actor: Actor, @Resolved('user') user: UserEntity, @Resolved('keyid') key: ApiKeyEntity) {
    return this.keys.getKey(actor, user, key);
  }

  @Route('DELETE', ':keyid', { summary: 'Delete (revoke) an API key', status: 204, errors: [403, 404] })
  @Authenticated()
  deleteKey(
    @CurrentActor() actor: Actor,
    @Resolved('user') user: UserEntity,
    @Resolved('keyid') key: ApiKeyEntity,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.keys.deleteKey(actor, user, key, meta);
  }
}
