import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { forbidden } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { parsePagination, QueryParser } from '../../common/query.js';
import { Database } from '../../database/database.js';
import { AuditService, auditDiff, type AuditEntry } from '../audit/audit.service.js';
import type { OrganizationMemberEntity } from '../organizations/entities/organization-member.entity.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import type { Actor } from '../rbac/actor.js';
import { canAssignOrgRole } from '../rbac/policy.js';
import type { AssignableRoleResponse } from '../rbac/dto/role.dto.js';
import { toAssignableRole } from '../rbac/role-presenter.js';
import { ORG_ROLES } from '../rbac/roles.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import {
  toMemberResponse,
  toMemberWithUserDataResponse,
  type OrganizationMemberResponse,
  type OrganizationMemberWithUserDataResponse,
  type PaginatedMembersResponse,
} from './dto/member.dto.js';
import { parseMemberSearch } from './member-search.js';
import { memberExists, memberMissing, ownOrgRolesUnchangeable } from './members.errors.js';
import { requestedOrgRoles } from './org-roles.js';

/** `/organizations/{organization}/members…`: add, remove, list and organization roles. */
@Injectable()
export class MembersService {
  constructor(
    private readonly db: Database,
    private readonly repo: OrganizationsRepository,
    private readonly audit: AuditService,
  ) {}

  /** The deprecated unpaginated list: every member, one statement. */
  async list(org: OrganizationEntity): Promise<OrganizationMemberWithUserDataResponse[]> {
    const { members } = await this.repo.listMembersWithUsers(org.id);
    return members.map(toMemberWithUserDataResponse);
  }

  /** `paginated-members`: pagination is checked first, then `q` (the `GET /users` search), as there. */
  async listPage(org: OrganizationEntity, query: Record<string, unknown>): Promise<PaginatedMembersResponse> {
    const parser = new QueryParser(query);
    const page = parsePagination(parser);
    const q = parser.string('q');
    parser.done();
    const { members, count } = await this.repo.listMembersWithUsers(org.id, parseMemberSearch(q), page);
    return { members: members.map(toMemberWithUserDataResponse), count };
  }

  /**
   * Adds a user to an organization. As in Coder, whoever may add members names the user by any
   * identifier without seeing it first (the `{user}` resolver, src/core/users/users.params.ts):
   * organization admins add people who share no organization yet.
   */
  async add(
    actor: Actor,
    org: OrganizationEntity,
    user: UserEntity,
    meta: RequestMeta,
  ): Promise<OrganizationMemberResponse> {
    try {
      return await this.db.transaction(async () => {
        if (await this.repo.getMember(org.id, user.id)) throw memberExists();
        const member = await this.repo.insertMember(org.id, user.id);
        await this.audit.record(memberAuditEntry(actor, meta, member, user.username, 'create', 200, null));
        return toMemberResponse(member);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw memberExists();
      throw err;
    }
  }

  async remove(actor: Actor, org: OrganizationEntity, user: UserEntity, meta: RequestMeta): Promise<void> {
    await this.db.transaction(async () => {
      const member = await this.repo.getMember(org.id, user.id);
      if (!member) throw memberMissing();
      await this.repo.deleteMember(org.id, user.id);
      await this.audit.record(memberAuditEntry(actor, meta, member, user.username, 'delete', 204, member));
    });
  }

  async setRoles(
    actor: Actor,
    org: OrganizationEntity,
    user: UserEntity,
    roles: string[],
    meta: RequestMeta,
  ): Promise<OrganizationMemberResponse> {
    if (user.id === actor.id) throw ownOrgRolesUnchangeable();
    const member = await this.repo.getMember(org.id, user.id);
    if (!member) throw memberMissing();
    const desired = requestedOrgRoles(roles, org.id);
    const changed = [
      ...desired.filter((r) => !member.roles.includes(r)),
      ...member.roles.filter((r) => !desired.includes(r)),
    ];
    if (changed.some((role) => !canAssignOrgRole(actor, org.id, role))) throw forbidden();
    return this.db.transaction(async () => {
      const updated = await this.repo.updateMemberRoles(org.id, user.id, desired);
      await this.audit.record(memberAuditEntry(actor, meta, updated, user.username, 'write', 200, member));
      return toMemberResponse(updated);
    });
  }

  assignableRoles(actor: Actor, org: OrganizationEntity): AssignableRoleResponse[] {
    return ORG_ROLES.map((name) => toAssignableRole(name, canAssignOrgRole(actor, org.id, name), org.id));
  }
}

function memberAuditEntry(
  actor: Actor,
  meta: RequestMeta,
  member: OrganizationMemberEntity,
  username: string,
  action: 'create' | 'write' | 'delete',
  statusCode: number,
  before: OrganizationMemberEntity | null,
): AuditEntry {
  const snapshot = (m: OrganizationMemberEntity | null) =>
    m ? { user_id: m.userId, organization_id: m.organizationId, roles: m.roles } : null;
  return {
    meta,
    userId: actor.id,
    organizationId: member.organizationId,
    resourceType: 'organization_member',
    resourceId: member.userId,
    resourceTarget: username,
    action,
    statusCode,
    diff: auditDiff(snapshot(before), action === 'delete' ? null : snapshot(member)),
  };
}
