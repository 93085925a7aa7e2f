import { Injectable } from '@nestjs/common';
import { parsePagination, QueryParser } from '../../common/query.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import type { Actor } from '../rbac/actor.js';
import { parseAuditSearch } from './audit-query.js';
import { AuditRepository } from './audit.repository.js';
import { toAuditLogResponse, type AuditLogsResponse } from './dto/audit-log.dto.js';

/** Reads the audit log (writing is AuditService's job, used by every module). */
@Injectable()
export class AuditLogsService {
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
    const count = await this.repo.countAuditLogs(filter);
    if (count === 0) return { audit_logs: [], count: 0 };
    const rows = await this.repo.listAuditLogs(filter, page);
    const actorIds = [...new Set(rows.flatMap((row) => (row.actor ? [row.actor.id] : [])))];
    const orgIds = await this.orgs.organizationIdsShownTo(actor, actorIds);
    return { audit_logs: rows.map((row) => toAuditLogResponse(row, orgIds)), count };
  }
}
