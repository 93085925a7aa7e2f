import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { formatDuration } from '../../config/duration.js';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ApiError, badRequest, forbidden, notFound } from '../../common/errors.js';
import { QueryParser } from '../../common/query.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { generateSessionToken } from '../auth/session-token.js';
import type { Actor } from '../rbac/actor.js';
import type { Action } from '../rbac/permissions.js';
import { can } from '../rbac/policy.js';
import type { LoginType, UserEntity } from '../users/entities/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { toApiKeyResponse, type CreateTokenRequest } from './dto/api-key.dto.js';
import { ApiKeyEntity, type ApiKeyScope } from './entities/api-key.entity.js';
import { randomName } from '../../common/random-names.js';

const DAY_MS = 86_400_000;
const NS_PER_MS = 1_000_000;

export interface NewKey {
  userId: string;
  loginType: LoginType;
  lifetimeMs: number;
  scope?: ApiKeyScope;
  tokenName?: string;
  ip: string | null;
}

/** Session keys (login) and long-lived API tokens: `/users/{user}/keys…`. */
@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: ApiKeysRepository,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /** Generates a token, stores only sha256(secret), and returns the token once. */
  async createKey(input: NewKey, manager?: EntityManager): Promise<{ token: string; key: ApiKeyEntity }> {
    const generated = generateSessionToken();
    const now = new Date();
    const key = Object.assign(new ApiKeyEntity(), {
      id: generated.id,
      hashedSecret: generated.hashedSecret,
      userId: input.userId,
      lastUsed: now,
      expiresAt: new Date(now.getTime() + input.lifetimeMs),
      createdAt: now,
      updatedAt: now,
      loginType: input.loginType,
      lifetimeSeconds: Math.floor(input.lifetimeMs / 1000),
      ipAddress: input.ip,
      scope: input.scope ?? 'all',
      tokenName: input.tokenName ?? '',
    });
    await this.repo.insertApiKey(key, manager);
    return { token: generated.token, key };
  }

  private async resolveOwner(actor: Actor, userParam: string, action: Action): Promise<UserEntity> {
    const user = await this.users.resolveVisible(actor, userParam);
    if (!can(actor, action, { type: 'api_key', ownerId: user.id })) {
      if (!can(actor, 'read', { type: 'api_key', ownerId: user.id })) throw notFound();
      throw forbidden();
    }
    return user;
  }

  async createToken(actor: Actor, userParam: string, body: CreateTokenRequest, meta: RequestMeta) {
    const user = await this.resolveOwner(actor, userParam, 'create');
    const maxMs = this.config.maxTokenLifetimeMs;
    const requestedNs = body.lifetime ?? 0;
    if (requestedNs < 0) {
      throw badRequest('Failed to validate create API key request.', 'lifetime must be positive number greater than 0');
    }
    const lifetimeMs = requestedNs === 0 ? Math.min(30 * DAY_MS, maxMs) : requestedNs / NS_PER_MS;
    if (lifetimeMs > maxMs) {
      throw badRequest('Failed to validate create API key request.', `lifetime must be less than ${formatDuration(maxMs)}`);
    }
    if (lifetimeMs < 1000) {
      throw badRequest('Failed to validate create API key request.', 'lifetime must be at least one second');
    }
    const tokenName = body.token_name || randomName();
    try {
      return await this.db.transaction(async (manager) => {
        const { token, key } = await this.createKey(
          { userId: user.id, loginType: 'token', lifetimeMs, scope: body.scope || 'all', tokenName, ip: meta.ip },
          manager,
        );
        await this.recordAudit(manager, actor, meta, user, key, 'create', 201);
        return { key: token };
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ApiError(409, {
          message: `A token with name "${tokenName}" already exists.`,
          validations: [{ field: 'name', detail: 'This value is already in use and should be unique.' }],
        });
      }
      throw err;
    }
  }

  /** `POST /users/{user}/keys`: a 7-day session key (no cookie), as Coder's CLI uses for `coder login --token`. */
  async createSessionKey(actor: Actor, userParam: string, meta: RequestMeta) {
    const user = await this.resolveOwner(actor, userParam, 'create');
    return this.db.transaction(async (manager) => {
      const { token, key } = await this.createKey(
        { userId: user.id, loginType: 'password', lifetimeMs: 7 * DAY_MS, ip: meta.ip },
        manager,
      );
      await this.recordAudit(manager, actor, meta, user, key, 'create', 201);
      return { key: token };
    });
  }

  async listTokens(actor: Actor, userParam: string, query: Record<string, unknown>) {
    const parser = new QueryParser(query);
    const includeAll = parser.boolean('include_all');
    parser.done();
    const user = await this.resolveOwner(actor, userParam, 'read');
    const keys = await this.repo.listTokens(includeAll ? undefined : user.id);
    return keys
      .filter((k) => can(actor, 'read', { type: 'api_key', ownerId: k.userId }))
      .map((k) => ({ ...toApiKeyResponse(k), username: k.username }));
  }

  async getTokenByName(actor: Actor, userParam: string, name: string) {
    const user = await this.resolveOwner(actor, userParam, 'read');
    const key = await this.repo.getTokenByName(user.id, name);
    if (!key) throw notFound();
    return toApiKeyResponse(key);
  }

  /** Unlike Coder, the key must belong to `{user}`. */
  private async resolveKey(actor: Actor, userParam: string, keyId: string, action: Action) {
    const user = await this.resolveOwner(actor, userParam, action);
    const key = await this.repo.getApiKeyById(keyId);
    if (!key || key.userId !== user.id) throw notFound();
    return { user, key };
  }

  async getKey(actor: Actor, userParam: string, keyId: string) {
    return toApiKeyResponse((await this.resolveKey(actor, userParam, keyId, 'read')).key);
  }

  async deleteKey(actor: Actor, userParam: string, keyId: string, meta: RequestMeta): Promise<void> {
    const { user, key } = await this.resolveKey(actor, userParam, keyId, 'delete');
    await this.db.transaction(async (manager) => {
      await this.repo.deleteApiKey(manager, key.id);
      await this.recordAudit(manager, actor, meta, user, key, 'delete', 204);
    });
  }

  async tokenConfig(actor: Actor, userParam: string) {
    await this.resolveOwner(actor, userParam, 'read');
    return { max_token_lifetime: this.config.maxTokenLifetimeMs * NS_PER_MS };
  }

  private recordAudit(
    manager: EntityManager,
    actor: Actor,
    meta: RequestMeta,
    user: UserEntity,
    key: ApiKeyEntity,
    action: 'create' | 'delete',
    statusCode: number,
  ) {
    const snapshot = {
      id: key.id,
      user_id: key.userId,
      token_name: key.tokenName,
      scope: key.scope,
      login_type: key.loginType,
      expires_at: key.expiresAt.toISOString(),
      hashed_secret: 'set',
    };
    return this.audit.record(
      {
        meta,
        userId: actor.id,
        resourceType: 'api_key',
        resourceId: user.id,
        resourceTarget: key.tokenName,
        action,
        statusCode,
        diff: action === 'create' ? auditDiff(null, snapshot) : auditDiff(snapshot, null),
      },
      manager,
    );
  }
}
