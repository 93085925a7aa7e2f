import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import type { AuditAction, AuditEntry } from '../audit/audit.service.js';
import type { AuditDiff } from '../audit/entities/audit-log.entity.js';
import type { UserEntity } from './entities/user.entity.js';

/** The audit entry of a change to a user row, made by `actorId` (the user itself on sign-up). */
export function userAuditEntry(
  meta: RequestMeta,
  actorId: string,
  user: Pick<UserEntity, 'id' | 'username'>,
  change: { action: AuditAction; statusCode: number; diff?: AuditDiff; organizationId?: string },
): AuditEntry {
  return {
    meta,
    userId: actorId,
    organizationId: change.organizationId,
    resourceType: 'user',
    resourceId: user.id,
    resourceTarget: user.username,
    action: change.action,
    statusCode: change.statusCode,
    diff: change.diff,
  };
}
