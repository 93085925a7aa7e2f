import { Injectable } from '@nestjs/common';
import type { SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { Pagination } from '../../common/query.js';
import { Database } from '../../database/database.js';
import { UserEntity, type LoginType, type UserStatus } from '../users/entities/user.entity.js';
import { AuditLogEntity, type AuditDiff } from './entities/audit-log.entity.js';

/** Which entries a page of the log selects; every field is optional and the fields are ANDed. */
export interface AuditFilter {
  requestId?: string;
  organizationId?: string;
  resourceType?: string;
  resourceId?: string;
  resourceTarget?: string;
  action?: string;
  /** The actor, by id. */
  userId?: string;
  username?: string;
  email?: string;
  dateFrom?: Date;
  /** Inclusive. */
  dateTo?: Date;
  buildReason?: string;
}

/** One page row: the entry, its actor (if the user row exists) and whether the resource is gone. */
export interface AuditLogRow {
  log: AuditLogEntity;
  actor: UserEntity | null;
  resourceDeleted: boolean;
}

interface RawAuditRow {
  id: string;
  time: Date;
  user_id: string;
  organization_id: string | null;
  ip: string | null;
  user_agent: string;
  resource_type: string;
  resource_id: string;
  resource_target: string;
  resource_icon: string;
  action: string;
  diff: AuditDiff;
  status_code: number;
  additional_fields: Record<string, unknown>;
  request_id: string;
  resource_deleted: boolean;
  actor_id: string | null;
  actor_username: string;
  actor_name: string;
  actor_email: string;
  actor_created_at: Date;
  actor_updated_at: Date;
  actor_last_seen_at: Date;
  actor_status: UserStatus;
  actor_login_type: LoginType;
  actor_rbac_roles: string[];
  actor_avatar_url: string;
}

const LOG_COLUMNS = [
  'id',
  'time',
  'user_id',
  'organization_id',
  'ip',
  'user_agent',
  'resource_type',
  'resource_id',
  'resource_target',
  'resource_icon',
  'action',
  'diff',
  'status_code',
  'additional_fields',
  'request_id',
];
const ACTOR_COLUMNS = [
  'id',
  'username',
  'name',
  'email',
  'created_at',
  'updated_at',
  'last_seen_at',
  'status',
  'login_type',
  'rbac_roles',
  'avatar_url',
];

/** The owner of `audit_logs`: rows are appended by AuditService and read by the `/audit` API. */
@Injectable()
export class AuditRepository {
  constructor(private readonly db: Database) {}

  async insertAuditLog(row: AuditLogEntity): Promise<void> {
    // jsonb columns confuse TypeORM's deep-partial typing; the row is a complete entity.
    await this.db.manager.insert(AuditLogEntity, row as QueryDeepPartialEntity<AuditLogEntity>);
  }

  /** `servedTypes`: only entries of these resource types are selected. */
  countAuditLogs(filter: AuditFilter, servedTypes: readonly string[]): Promise<number> {
    return this.filtered(filter, servedTypes).getCount();
  }

  /**
   * One page, newest first, in one query: each entry with its actor (deleted actors included, as
   * in Coder) and, for user resources, whether that user is gone.
   */
  async listAuditLogs(filter: AuditFilter, servedTypes: readonly string[], page: Pagination): Promise<AuditLogRow[]> {
    const qb = this.filtered(filter, servedTypes)
      .leftJoin(UserEntity, 'r', `a.resource_type = 'user' AND r.id = a.resource_id`)
      .select(LOG_COLUMNS.map((c) => `a.${c} AS ${c}`))
      .addSelect(ACTOR_COLUMNS.map((c) => `u.${c} AS actor_${c}`))
      // A user resource without a row counts as deleted (Coder's answer for a missing row).
      .addSelect(`COALESCE(r.deleted, a.resource_type = 'user')`, 'resource_deleted')
      .orderBy('a.time', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .offset(page.offset)
      .limit(page.limit);
    const rows = await qb.getRawMany<RawAuditRow>();
    return rows.map(toRow);
  }

  /** Every filter is a bound parameter; `q` is lower-cased, so text matches ignore case. */
  private filtered(filter: AuditFilter, servedTypes: readonly string[]): SelectQueryBuilder<AuditLogEntity> {
    const qb = this.db.manager
      .createQueryBuilder(AuditLogEntity, 'a')
      .leftJoin(UserEntity, 'u', 'u.id = a.user_id')
      .where('a.resource_type IN (:...knownTypes)', { knownTypes: servedTypes });
    if (filter.resourceType) qb.andWhere('a.resource_type = :resourceType', { resourceType: filter.resourceType });
    if (filter.requestId) qb.andWhere('a.request_id = :requestId', { requestId: filter.requestId });
    if (filter.resourceId) qb.andWhere('a.resource_id = :resourceId', { resourceId: filter.resourceId });
    if (filter.organizationId) qb.andWhere('a.organization_id = :orgId', { orgId: filter.organizationId });
    if (filter.resourceTarget) qb.andWhere('lower(a.resource_target) = :target', { target: filter.resourceTarget });
    if (filter.action) qb.andWhere('a.action = :action', { action: filter.action });
    if (filter.userId) qb.andWhere('a.user_id = :userId', { userId: filter.userId });
    if (filter.username) qb.andWhere('lower(u.username) = :username', { username: filter.username });
    if (filter.email) qb.andWhere('lower(u.email) = :email', { email: filter.email });
    if (filter.dateFrom) qb.andWhere('a.time >= :dateFrom', { dateFrom: filter.dateFrom });
    if (filter.dateTo) qb.andWhere('a.time <= :dateTo', { dateTo: filter.dateTo });
    // Workspace builds record their reason in additional_fields (Coder's audit.AdditionalFields).
    if (filter.buildReason) {
      qb.andWhere(`a.additional_fields ->> 'build_reason' = :buildReason`, { buildReason: filter.buildReason });
    }
    return qb;
  }
}

function toRow(raw: RawAuditRow): AuditLogRow {
  const log = Object.assign(new AuditLogEntity(), {
    id: raw.id,
    time: raw.time,
    userId: raw.user_id,
    organizationId: raw.organization_id,
    ip: raw.ip,
    userAgent: raw.user_agent,
    resourceType: raw.resource_type,
    resourceId: raw.resource_id,
    resourceTarget: raw.resource_target,
    resourceIcon: raw.resource_icon,
    action: raw.action,
    diff: raw.diff,
    statusCode: raw.status_code,
    additionalFields: raw.additional_fields,
    requestId: raw.request_id,
  });
  const actor =
    raw.actor_id === null
      ? null
      : Object.assign(new UserEntity(), {
          id: raw.actor_id,
          username: raw.actor_username,
          name: raw.actor_name,
          email: raw.actor_email,
          createdAt: raw.actor_created_at,
          updatedAt: raw.actor_updated_at,
          lastSeenAt: raw.actor_last_seen_at,
          status: raw.actor_status,
          loginType: raw.actor_login_type,
          rbacRoles: raw.actor_rbac_roles,
          avatarUrl: raw.actor_avatar_url,
        });
  return { log, actor, resourceDeleted: raw.resource_deleted };
}
