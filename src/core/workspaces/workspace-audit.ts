import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import type { AuditAction, AuditEntry } from '../audit/audit.service.js';
import type { AuditDiff } from '../audit/entities/audit-log.entity.js';
import type { WorkspaceEntity } from './entities/workspace.entity.js';

/** The audit entry of a change to a workspace row, made by `actorId` (as user-audit.ts for users). */
export function workspaceAuditEntry(
  meta: RequestMeta,
  actorId: string,
  workspace: Pick<WorkspaceEntity, 'id' | 'name' | 'organizationId'>,
  change: { action: AuditAction; statusCode: number; diff: AuditDiff },
): AuditEntry {
  return {
    meta,
    userId: actorId,
    organizationId: workspace.organizationId,
    resourceType: 'workspace',
    resourceId: workspace.id,
    resourceTarget: workspace.name,
    action: change.action,
    statusCode: change.statusCode,
    diff: change.diff,
  };
}
