import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Database } from '../../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import { generateSessionToken } from '../auth/session-token.js';
import type { Actor } from '../rbac/actor.js';
import type { LoginType, UserEntity } from '../users/entities/user.entity.js';
import { assertKeyAccess, keyAuditEntry } from './api-key-rules.js';
import { ApiKeysRepository, type KeyWithUser } from './api-keys.repository.js';
import { toApiKeyResponse, type ApiKeyResponse } from './dto/api-key.dto.js';
import { ApiKeyEntity, type ApiKeyScope } from './entities/api-key.entity.js';

export const DAY_MS = 86_400_000;

export interface NewKey {
  userId: string;
  loginType: LoginType;
  lifetimeMs: number;
  scope?: ApiKeyScope;
  tokenName?: string;
  ip: string | null;
}

/**
 * Session keys and API keys by id: `/users/{user}/keys[/{keyid}]`; creating, revoking and looking
 * up keys for login and per-request authentication. Tokens by name are api-key-tokens.service.ts.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly db: Database,
    private readonly repo: ApiKeysRepository,
    private readonly audit: AuditService,
  ) {}

  /** Generates a token, stores only sha256(secret), and returns the token once. */
  async createKey(input: NewKey): Promise<{ token: string; key: ApiKeyEntity }> {
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
    await this.repo.insertApiKey(key);
    return { token: generated.token, key };
  }

  /** `POST /users/{user}/keys`: a 7-day session key (no cookie), as Coder's CLI uses for `coder login --token`. */
  async createSessionKey(actor: Actor, user: UserEntity, meta: RequestMeta): Promise<{ key: string }> {
    assertKeyAccess(actor, user, 'create');
    return this.db.transaction(async () => {
      const { token, key } = await this.createKey({
        userId: user.id,
        loginType: 'password',
        lifetimeMs: 7 * DAY_MS,
        ip: meta.ip,
      });
      await this.audit.record(keyAuditEntry(actor, meta, user, key, 'create', 201));
      return { key: token };
    });
  }

  getKey(actor: Actor, user: UserEntity, key: ApiKeyEntity): ApiKeyResponse {
    assertKeyAccess(actor, user, 'read');
    return toApiKeyResponse(key);
  }

  async deleteKey(actor: Actor, user: UserEntity, key: ApiKeyEntity, meta: RequestMeta): Promise<void> {
    assertKeyAccess(actor, user, 'delete');
    await this.db.transaction(async () => {
      await this.repo.deleteApiKey(key.id);
      await this.audit.record(keyAuditEntry(actor, meta, user, key, 'delete', 204));
    });
  }

  /** Logout: the presented key and the user's application-connect keys. */
  revokeSession(actor: Actor): Promise<void> {
    return this.db.transaction(async () => {
      await this.repo.deleteApiKey(actor.apiKeyId);
      await this.repo.deleteApplicationConnectKeys(actor.id);
    });
  }

  /** Every session and token of a user (deletion, password change), in the caller's transaction. */
  deleteKeysOfUser(userId: string): Promise<void> {
    return this.repo.deleteKeysOfUser(userId);
  }

  /** The per-request lookup of a presented key (src/core/auth/auth.service.ts). */
  getKeyWithUser(id: string): Promise<KeyWithUser | undefined> {
    return this.repo.getKeyWithUser(id);
  }

  /** Records use of a key (sliding expiry, last use); false when the key was deleted meanwhile. */
  touchKey(id: string, lastUsed: Date, expiresAt: Date, ip: string | null): Promise<boolean> {
    return this.repo.touchKey(id, lastUsed, expiresAt, ip);
  }
}
