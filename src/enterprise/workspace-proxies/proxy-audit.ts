import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { auditDiff, type AuditAction, type AuditEntry } from '../../core/audit/audit.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import { proxyAuditSnapshot } from './dto/workspace-proxy.dto.js';
import type { WorkspaceProxyEntity } from './entities/workspace-proxy.entity.js';

/** The audit entry of a change to a proxy row (the primary region's changes are audited in WorkspaceProxyService). */
export function proxyAuditEntry(
  actor: Actor,
  meta: RequestMeta,
  proxy: WorkspaceProxyEntity,
  action: AuditAction,
  statusCode: number,
  before: WorkspaceProxyEntity | null,
  after: WorkspaceProxyEntity | null,
): AuditEntry {
  return {
    meta,
    userId: actor.id,
    resourceType: 'workspace_proxy',
    resourceId: proxy.id,
    resourceTarget: proxy.name,
    action,
    statusCode,
    diff: auditDiff(before ? proxyAuditSnapshot(before) : null, after ? proxyAuditSnapshot(after) : null),
  };
}
