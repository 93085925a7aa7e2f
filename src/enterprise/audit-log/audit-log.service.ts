import { Injectable } from '@nestjs/common';
import { parsePagination, QueryParser } from '../../common/query.js';
import { AuditRepository } from '../../core/audit/audit.repository.js';
import { AUDIT_RESOURCE_TYPES } from '../../core/audit/audit.service.js';
import { OrganizationsService } from '../../core/organizations/organizations.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import { invalidAuditQuery } from './audit-log.errors.js';
import { parseAuditSearch } from './audit-query.js';
import { toAuditLogResponse, type AuditLogsResponse } from './dto/audit-log.dto.js';

/**
 * Rows of a type Coder's clients do not know (appearance entries written by earlier versions of
 * this server) are kept in the table but not served: the dashboard cannot render them.
 */
const SERVED_TYPES = AUDIT_RESOURCE_TYPES;

/**
 * Coder caps its count at 2000 for speed (it then answers `count` 2001 and `count_cap` 2000, and
 * the dashboard shows "2000+"); this server counts exactly, which Coder's clients read as
 * `count_cap` 0 ("not capped").
 */
const NO_COUNT_CAP = 0;

/** Reads the audit log (writing is AuditService's job, in src/core/audit, used by every module). */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly orgs: OrganizationsService,
  ) {}

  /** `GET /audit`: pagination is checked first, then `q`, as in Coder. */
  async list(actor: Actor, query: Record<string, unknown>): Promise<AuditLogsResponse> {
    const parser = new QueryParser(query);
    const page = parsePagination(parser);
    const q = parser.string('q');
    parser.done();
    const filter = parseAuditSearch(q, actor.id);
    if (filter.organization !== undefined) {
      const found = await this.orgs.searchKeyOrganization(actor, filter.organization);
      if ('invalid' in found) throw invalidAuditQuery([found.invalid]);
      filter.organizationId = found.id;
    }
    const count = await this.repo.countAuditLogs(filter, SERVED_TYPES);
    if (count === 0) return { audit_logs: [], count: 0, count_cap: NO_COUNT_CAP };
    const rows = await this.repo.listAuditLogs(filter, SERVED_TYPES, page);
    const actorIds = [...new Set(rows.flatMap((row) => (row.actor ? [row.actor.id] : [])))];
    const orgIds = await this.orgs.organizationIdsShownTo(actor, actorIds);
    const orgs = await this.orgs.organizationsShownTo(
      actor,
      rows.flatMap((row) => (row.log.organizationId ? [row.log.organizationId] : [])),
    );
    return { audit_logs: rows.map((row) => toAuditLogResponse(row, orgIds, orgs)), count, count_cap: NO_COUNT_CAP };
  }
}
