import { Inject, Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { QueryParser } from '../../common/query.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { randomName } from '../../common/random-names.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { formatDuration } from '../../config/duration.js';
import { Database } from '../../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import { assertKeyAccess, keyAuditEntry } from './api-key-rules.js';
import { assertUnrestrictedAllowList, requestedScope } from './api-key-scopes.js';
import { tokenNameTaken, tokenRequestInvalid } from './api-keys.errors.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService, DAY_MS } from './api-keys.service.js';
import {
  toApiKeyResponse,
  type ApiKeyResponse,
  type ApiKeyWithOwnerResponse,
  type CreateTokenRequest,
  type TokenConfigResponse,
} from './dto/api-key.dto.js';
import type { ApiKeyEntity } from './entities/api-key.entity.js';

const NS_PER_MS = 1_000_000;

/** Long-lived API tokens: `/users/{user}/keys/tokens…`. */
@Injectable()
export class ApiKeyTokensService {
  constructor(
    private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: ApiKeysService,
    private readonly repo: ApiKeysRepository,
    private readonly audit: AuditService,
  ) {}

  async createToken(
    actor: Actor,
    user: UserEntity,
    body: CreateTokenRequest,
    meta: RequestMeta,
  ): Promise<{ key: string }> {
    assertKeyAccess(actor, user, 'create');
    const scope = requestedScope(body.scope, body.scopes);
    assertUnrestrictedAllowList(body.allow_list);
    const lifetimeMs = this.tokenLifetimeMs(body.lifetime ?? 0);
    const tokenName = body.token_name || randomName();
    try {
      return await this.db.transaction(async () => {
        const { token, key } = await this.keys.createKey({
          userId: user.id,
          loginType: 'token',
          lifetimeMs,
          scope,
          tokenName,
          ip: meta.ip,
        });
        await this.audit.record(keyAuditEntry(actor, meta, user, key, 'create', 201));
        return { key: token };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw tokenNameTaken(tokenName);
      throw err;
    }
  }

  /** A requested lifetime (nanoseconds, 0 = the default) in milliseconds, within the configured maximum. */
  private tokenLifetimeMs(requestedNs: number): number {
    const maxMs = this.config.maxTokenLifetimeMs;
    if (requestedNs < 0) throw tokenRequestInvalid('lifetime must be positive number greater than 0');
    const lifetimeMs = requestedNs === 0 ? Math.min(30 * DAY_MS, maxMs) : requestedNs / NS_PER_MS;
    if (lifetimeMs > maxMs) throw tokenRequestInvalid(`lifetime must be less than ${formatDuration(maxMs)}`);
    if (lifetimeMs < 1000) throw tokenRequestInvalid('lifetime must be at least one second');
    return lifetimeMs;
  }

  async listTokens(actor: Actor, user: UserEntity, query: Record<string, unknown>): Promise<ApiKeyWithOwnerResponse[]> {
    const parser = new QueryParser(query);
    const includeAll = parser.boolean('include_all');
    parser.done();
    assertKeyAccess(actor, user, 'read');
    const keys = await this.repo.listTokens(includeAll ? undefined : user.id);
    return keys
      .filter((k) => can(actor, 'read', { type: 'api_key', ownerId: k.userId }))
      .map((k) => ({ ...toApiKeyResponse(k), username: k.username }));
  }

  getTokenByName(actor: Actor, user: UserEntity, key: ApiKeyEntity): ApiKeyResponse {
    assertKeyAccess(actor, user, 'read');
    return toApiKeyResponse(key);
  }

  tokenConfig(actor: Actor, user: UserEntity): TokenConfigResponse {
    assertKeyAccess(actor, user, 'read');
    return { max_token_lifetime: this.config.maxTokenLifetimeMs * NS_PER_MS };
  }
}
