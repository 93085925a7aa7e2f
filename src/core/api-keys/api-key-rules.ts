import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { forbidden } from '../../common/errors.js';
import { auditDiff, type AuditEntry } from '../audit/audit.service.js';
import type { Actor } from '../rbac/actor.js';
import type { Action } from '../rbac/permissions.js';
import { can } from '../rbac/policy.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import { apiKeyMissing } from './api-keys.errors.js';
import type { ApiKeyEntity } from './entities/api-key.entity.js';

/** 404 when the actor may not see `owner`'s keys, 403 when it may see them but not do `action`. */
export function assertKeyAccess(actor: Actor, owner: UserEntity, action: Action): void {
  if (can(actor, action, { type: 'api_key', ownerId: owner.id })) return;
  if (!can(actor, 'read', { type: 'api_key', ownerId: owner.id })) throw apiKeyMissing();
  throw forbidden();
}

/** The audit entry of a key created or deleted through the API; the secret is flagged, not copied. */
export function keyAuditEntry(
  actor: Actor,
  meta: RequestMeta,
  owner: UserEntity,
  key: ApiKeyEntity,
  action: 'create' | 'delete',
  statusCode: number,
): AuditEntry {
  const snapshot = {
    id: key.id,
    user_id: key.userId,
    token_name: key.tokenName,
    scope: key.scope,
    login_type: key.loginType,
    expires_at: key.expiresAt.toISOString(),
    hashed_secret: 'set',
  };
  return {
    meta,
    userId: actor.id,
    resourceType: 'api_key',
    resourceId: owner.id,
    resourceTarget: key.tokenName,
    action,
    statusCode,
    diff: action === 'create' ? auditDiff(null, snapshot) : auditDiff(snapshot, null),
  };
}
