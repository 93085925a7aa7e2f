import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ParamResolvers, type ParamResolver, type ResolutionContext } from '../access/resolved-params.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import { apiKeyMissing } from './api-keys.errors.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import type { ApiKeyEntity } from './entities/api-key.entity.js';

/** Whether the actor may see the keys of the user owning them. */
function seesKeysOf(actor: Actor | undefined, userId: string): actor is Actor {
  return actor !== undefined && can(actor, 'read', { type: 'api_key', ownerId: userId });
}

/**
 * `{keyid}`: an API key by id. Under `{user}` (the only place it appears), a key of that user:
 * unlike Coder, a key id under another user's path is not found. 404 too when the caller may not
 * see the owner's keys.
 */
@Injectable()
export class KeyIdParamResolver implements ParamResolver<ApiKeyEntity>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly repo: ApiKeysRepository,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('keyid', this);
  }

  async resolve(value: string, actor: Actor | undefined, req: ResolutionContext): Promise<ApiKeyEntity> {
    const owner = req.resolved?.user as UserEntity | undefined;
    const key = await this.repo.getApiKeyById(value);
    if (!key || (owner && key.userId !== owner.id) || !seesKeysOf(actor, key.userId)) throw apiKeyMissing();
    return key;
  }
}

/** `{keyname}`: a long-lived token of the `{user}` by name; 404 when absent or not visible. */
@Injectable()
export class KeyNameParamResolver implements ParamResolver<ApiKeyEntity>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly repo: ApiKeysRepository,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('keyname', this);
  }

  async resolve(value: string, actor: Actor | undefined, req: ResolutionContext): Promise<ApiKeyEntity> {
    const owner = req.resolved?.user as UserEntity | undefined;
    if (!owner || !seesKeysOf(actor, owner.id)) throw apiKeyMissing();
    const key = await this.repo.getTokenByName(owner.id, value);
    if (!key) throw apiKeyMissing();
    return key;
  }
}
