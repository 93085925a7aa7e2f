import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../../common/decorators/request-meta.decorator.js';
import { auditDiff, AuditService, type AuditAction } from '../../../core/audit/audit.service.js';

/**
 * Audit entries of SCIM writes. The actor is no user (the nil user id) but the SCIM subsystem,
 * recorded as Coder does since 2024: `additional_fields` `{automatic_actor: "coder",
 * automatic_subsystem: "scim"}`.
 */
export const SCIM_ACTOR_FIELDS = { automatic_actor: 'coder', automatic_subsystem: 'scim' } as const;

export interface ScimAuditEntry {
  meta: RequestMeta;
  organizationId: string;
  resourceType: 'user' | 'group';
  resourceId: string;
  resourceTarget: string;
  action: AuditAction;
  statusCode: number;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

@Injectable()
export class ScimAudit {
  constructor(private readonly audit: AuditService) {}

  /** Inside the write's transaction, so the entry commits (or rolls back) with the change. */
  record(entry: ScimAuditEntry): Promise<void> {
    return this.audit.record({
      meta: entry.meta,
      organizationId: entry.organizationId,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      resourceTarget: entry.resourceTarget,
      action: entry.action,
      statusCode: entry.statusCode,
      diff: auditDiff(entry.before, entry.after),
      additionalFields: { ...SCIM_ACTOR_FIELDS },
    });
  }
}
