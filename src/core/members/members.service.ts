import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { badRequest, conflict, forbidden, isUuid, notFound } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { AuditService, auditDiff } from '../audit/audit.service.js';
import type { OrganizationMemberEntity } from '../organizations/entities/organization-member.entity.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import type { Actor } from '../rbac/actor.js';
import { canAssignOrgRole } from '../rbac/policy.js';
import { isOrgRole, isSiteRole, ORG_MEMBER, ORG_ROLES, roleDisplayName } from '../rbac/roles.js';
import { UsersService } from '../users/users.service.js';
import { toMemberResponse, type OrganizationMemberResponse } from './dto/member.dto.js';

const MEMBER_EXISTS = 'Organization member already exists in this organization';

/** Normalises `organization-admin` / `organization-admin:<org>` to the bare stored name, or 400. */
function parseOrgRole(role: string, orgId: string): string | undefined {
  const [name, scope, ...rest] = role.split(':');
  if (rest.length > 0) throw badRequest(`"${role}" is not a supported role`);
  if (scope !== undefined) {
    if (!isUuid(scope)) throw badRequest(`Role must have proper UUIDs for organization, "${role}" does not`);
    if (scope.toLowerCase() !== orgId) throw badRequest(`Must only pass roles for org "${orgId}"`);
  }
  if (isSiteRole(name) || name === 'member') throw badRequest('must only update organization roles');
  if (name === ORG_MEMBER) return undefined;
  if (!isOrgRole(name)) throw badRequest(`"${role}" is not a supported role`);
  return name;
}

/** Organization membership: add, remove, list and organization roles. */
@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly orgs: OrganizationsService,
    private readonly repo: OrganizationsRepository,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, orgParam: string) {
    const org = await this.orgs.resolveVisible(actor, orgParam);
    const members = await this.repo.listMembersWithUsernames(org.id);
    return members.map((m) => ({ ...toMemberResponse(m), username: m.username }));
  }

  /**
   * Adds a user to an organization. As in Coder, the user is looked up by any identifier without
   * the caller needing to see it first: organization admins add people who share no organization yet.
   */
  async add(actor: Actor, orgParam: string, userParam: string, meta: RequestMeta): Promise<OrganizationMemberResponse> {
    const org = await this.orgs.resolveVisible(actor, orgParam);
    const user = await this.users.resolveAny(actor, userParam);
    try {
      return await this.db.transaction(async (manager) => {
        if (await this.repo.getMember(org.id, user.id, manager)) throw conflict(MEMBER_EXISTS);
        const member = await this.repo.insertMember(manager, org.id, user.id);
        await this.recordAudit(manager, actor, meta, member, user.username, 'create', 200, null);
        return toMemberResponse(member);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(MEMBER_EXISTS);
      throw err;
    }
  }

  async remove(actor: Actor, orgParam: string, userParam: string, meta: RequestMeta): Promise<void> {
    const org = await this.orgs.resolveVisible(actor, orgParam);
    const user = await this.users.resolveVisible(actor, userParam);
    await this.db.transaction(async (manager) => {
      const member = await this.repo.getMember(org.id, user.id, manager);
      if (!member) throw notFound();
      await this.repo.deleteMember(manager, org.id, user.id);
      await this.recordAudit(manager, actor, meta, member, user.username, 'delete', 204, member);
    });
  }

  async setRoles(
    actor: Actor,
    orgParam: string,
    userParam: string,
    roles: string[],
    meta: RequestMeta,
  ): Promise<OrganizationMemberResponse> {
    const org = await this.orgs.resolveVisible(actor, orgParam);
    const user = await this.users.resolveVisible(actor, userParam);
    if (user.id === actor.id) throw badRequest('You cannot change your own organization roles.');
    const member = await this.repo.getMember(org.id, user.id);
    if (!member) throw notFound();
    const desired = [...new Set(roles.map((r) => parseOrgRole(r, org.id)).filter((r): r is string => !!r))];
    const changed = [
      ...desired.filter((r) => !member.roles.includes(r)),
      ...member.roles.filter((r) => !desired.includes(r)),
    ];
    if (changed.some((role) => !canAssignOrgRole(actor, org.id, role))) throw forbidden();
    return this.db.transaction(async (manager) => {
      const updated = await this.repo.updateMemberRoles(manager, org.id, user.id, desired);
      await this.recordAudit(manager, actor, meta, updated, user.username, 'write', 200, member);
      return toMemberResponse(updated);
    });
  }

  async assignableRoles(actor: Actor, orgParam: string) {
    const org = await this.orgs.resolveVisible(actor, orgParam);
    return ORG_ROLES.map((name) => ({
      name,
      display_name: roleDisplayName(name),
      assignable: canAssignOrgRole(actor, org.id, name),
      organization_id: org.id,
    }));
  }

  private recordAudit(
    manager: EntityManager,
    actor: Actor,
    meta: RequestMeta,
    member: OrganizationMemberEntity,
    username: string,
    action: 'create' | 'write' | 'delete',
    statusCode: number,
    before: OrganizationMemberEntity | null,
  ) {
    const snapshot = (m: OrganizationMemberEntity | null) =>
      m ? { user_id: m.userId, organization_id: m.organizationId, roles: m.roles } : null;
    return this.audit.record(
      {
        meta,
        userId: actor.id,
        organizationId: member.organizationId,
        resourceType: 'organization_member',
        resourceId: member.userId,
        resourceTarget: username,
        action,
        statusCode,
        diff: auditDiff(snapshot(before), action === 'delete' ? null : snapshot(member)),
      },
      manager,
    );
  }
}
