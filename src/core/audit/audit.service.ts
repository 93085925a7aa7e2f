import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { AuditRepository } from './audit.repository.js';
import { AuditLogEntity, type AuditDiff } from './entities/audit-log.entity.js';

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Coder's audit_action values. */
export const AUDIT_ACTIONS = ['create', 'write', 'delete', 'start', 'stop', 'login', 'logout', 'register'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Coder's resource_type values (those written so far plus the ones later modules add). */
export const AUDIT_RESOURCE_TYPES = [
  'organization',
  'organization_member',
  'template',
  'template_version',
  'user',
  'workspace',
  'workspace_build',
  'git_ssh_key',
  'api_key',
  'group',
  'license',
  'workspace_proxy',
] as const;
export type AuditResourceType = (typeof AUDIT_RESOURCE_TYPES)[number];

export interface AuditEntry {
  meta: RequestMeta;
  /** The acting user; undefined for anonymous actions (recorded as the nil UUID). */
  userId?: string;
  organizationId?: string | null;
  resourceType: AuditResourceType;
  resourceId: string;
  resourceTarget: string;
  action: AuditAction;
  statusCode: number;
  diff?: AuditDiff;
  additionalFields?: Record<string, unknown>;
}

/** Fields whose values never reach the audit log; a change is recorded as `secret: true`. */
const SECRET_FIELDS = new Set(['hashed_password', 'hashed_secret', 'password', 'token_hashed_secret']);

/**
 * Field-by-field difference of two snapshots (snake_case keys), secrets redacted. `null` stands
 * for "no value" in the stored diff; GET /audit leaves such an `old`/`new` out (toAuditDiff).
 */
export function auditDiff(before: Record<string, unknown> | null, after: Record<string, unknown> | null): AuditDiff {
  const diff: AuditDiff = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    const oldValue = before?.[key] ?? null;
    const newValue = after?.[key] ?? null;
    if (JSON.stringify(oldValue) === JSON.stringify(newValue)) continue;
    const secret = SECRET_FIELDS.has(key);
    diff[key] = { old: secret ? '' : oldValue, new: secret ? '' : newValue, secret };
  }
  return diff;
}

/**
 * Appends to `audit_logs` (the writer every module uses; reading is the `/audit` API's, in
 * src/enterprise/audit-log). Inside `Database.transaction` the entry commits with the change.
 */
@Injectable()
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  async record(entry: AuditEntry): Promise<void> {
    const row: AuditLogEntity = Object.assign(new AuditLogEntity(), {
      id: randomUUID(),
      time: new Date(),
      userId: entry.userId ?? NIL_UUID,
      organizationId: entry.organizationId ?? null,
      ip: entry.meta.ip,
      userAgent: entry.meta.userAgent,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      resourceTarget: entry.resourceTarget,
      action: entry.action,
      diff: entry.diff ?? {},
      statusCode: entry.statusCode,
      additionalFields: entry.additionalFields ?? {},
      requestId: isUuidLike(entry.meta.requestId) ? entry.meta.requestId : NIL_UUID,
      resourceIcon: '',
    });
    await this.repo.insertAuditLog(row);
  }
}

function isUuidLike(value: string): boolean {
  return /^[0-9a-f-]{36}$/i.test(value);
}
