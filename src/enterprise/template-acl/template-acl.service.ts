import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { forbidden, isUuid, notFound, type ValidationEntry } from '../../common/errors.js';
import { parsePagination, QueryParser } from '../../common/query.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService } from '../../core/audit/audit.service.js';
import type { GroupEntity } from '../../core/groups/entities/group.entity.js';
import { GroupsRepository } from '../../core/groups/groups.repository.js';
import { OrganizationsService } from '../../core/organizations/organizations.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import { actionsOfRole, canOnTemplate, roleOfActions, type TemplateRole } from '../../core/rbac/template-access.js';
import type { TemplateAcl, TemplateEntity } from '../../core/templates/entities/template.entity.js';
import { invalidUpdateRequest } from '../../core/templates/templates.errors.js';
import { TemplatesRepository } from '../../core/templates/templates.repository.js';
import { toUserResponse } from '../../core/users/dto/user.dto.js';
import { parseUserSearch } from '../../core/search/user-search.js';
import { UsersRepository } from '../../core/users/users.repository.js';
import type { GroupResponse } from '../groups/dto/group.dto.js';
import { GroupsService } from '../groups/groups.service.js';
import type { AclAvailableResponse, TemplateAclResponse, UpdateTemplateAclRequest } from './dto/template-acl.dto.js';
import { invalidId, invalidRole, MAX_ENTRIES, notAGroupOf, notAMember, tooManyEntries } from './template-acl.errors.js';

const ROLES = ['admin', 'use', ''];

/** Applies `perms` to `acl`: "" removes an entry, a role replaces it; ids are stored lower-case. */
function merged(acl: TemplateAcl, perms: Record<string, unknown>): TemplateAcl {
  const next = { ...acl };
  for (const [id, role] of Object.entries(perms)) {
    if (role === '') delete next[id.toLowerCase()];
    else next[id.toLowerCase()] = actionsOfRole(role as TemplateRole);
  }
  return next;
}

/** `/templates/{template}/acl`: who may use (`use`) or administer (`admin`) a template. */
@Injectable()
export class TemplateAclService {
  constructor(
    private readonly db: Database,
    private readonly templates: TemplatesRepository,
    private readonly groups: GroupsService,
    private readonly groupsRepo: GroupsRepository,
    private readonly users: UsersRepository,
    private readonly orgs: OrganizationsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Only members of the template's organization are shown, also when a stored entry names someone
   * else (a user who left the organization since): their email and organizations are not ours to
   * show, and such an entry grants nothing. Groups of other organizations and group members who
   * are not members of the organization are left out the same way.
   */
  async get(actor: Actor, template: TemplateEntity): Promise<TemplateAclResponse> {
    const orgId = template.organizationId;
    const userIds = Object.keys(template.userAcl).filter(isUuid);
    const groupIds = Object.keys(template.groupAcl).filter(isUuid);
    const [listed, groups] = await Promise.all([
      this.users.listActiveUsersByIds(userIds),
      this.groupsRepo.listGroupsOfOrgByIds(orgId, groupIds),
    ]);
    const [presented, members] = await Promise.all([
      this.presentGroups(orgId, groups),
      this.groupsRepo.organizationMembersAmong(
        orgId,
        listed.map((u) => u.id),
      ),
    ]);
    const users = listed.filter((u) => members.has(u.id));
    const orgIds = await this.orgs.organizationIdsShownTo(
      actor,
      users.map((u) => u.id),
    );
    const withRole = <T>(items: T[], role: (item: T) => TemplateRole | undefined) =>
      items.flatMap((item) => {
        const r = role(item);
        return r ? [{ ...item, role: r }] : [];
      });
    return {
      users: withRole(
        users
          .sort((a, b) => a.username.localeCompare(b.username))
          .map((u) => toUserResponse(u, orgIds.get(u.id) ?? [])),
        (u) => roleOfActions(template.userAcl[u.id] ?? []),
      ),
      group: withRole(
        presented.sort((a, b) => a.name.localeCompare(b.name)),
        (g) => roleOfActions(template.groupAcl[g.id] ?? []),
      ),
    };
  }

  /**
   * `GET /templates/{template}/acl/available`: whom the ACL editor may offer. Only those who may
   * update the template (404 for the others, as Coder). Users: members of the template's
   * organization matching `q` (the `GET /users` grammar and paging), read with system rights since
   * an ACL admin need not be able to list users. Groups: every group of the organization with its
   * members, Everyone included and not filtered by `q` (as Coder's 2023 server).
   */
  async available(
    actor: Actor,
    template: TemplateEntity,
    query: Record<string, unknown>,
  ): Promise<AclAvailableResponse> {
    if (!canOnTemplate(actor, 'update', template)) throw notFound();
    const parser = new QueryParser(query);
    const page = parsePagination(parser);
    const q = parser.string('q');
    parser.done();
    const filter = parseUserSearch(q);
    const { users } = await this.users.listUsers(filter, { all: false, organizationId: template.organizationId }, page);
    const [orgIds, groups] = await Promise.all([
      this.orgs.organizationIdsShownTo(
        actor,
        users.map((u) => u.id),
      ),
      this.groupsRepo.listGroupsOfOrg(template.organizationId),
    ]);
    return {
      users: users.map((u) => toUserResponse(u, orgIds.get(u.id) ?? [])),
      groups: await this.presentGroups(template.organizationId, groups),
    };
  }

  /**
   * Groups with only their members who belong to the organization: leaving an organization does
   * not take a user out of its groups here (Coder's database does), and those users are not shown.
   */
  private async presentGroups(orgId: string, groups: GroupEntity[]): Promise<GroupResponse[]> {
    const presented = await this.groups.present(groups);
    const memberIds = [...new Set(presented.flatMap((g) => g.members.map((m) => m.id)))];
    const members = await this.groupsRepo.organizationMembersAmong(orgId, memberIds);
    return presented.map((g) => ({ ...g, members: g.members.filter((m) => members.has(m.id)) }));
  }

  /** Merges the given entries ("" removes one); every key must be a member / group of the template's organization. */
  async update(
    actor: Actor,
    template: TemplateEntity,
    body: UpdateTemplateAclRequest,
    meta: RequestMeta,
  ): Promise<{ message: string }> {
    if (!canOnTemplate(actor, 'update', template)) throw forbidden();
    const userPerms = body.user_perms ?? {};
    const groupPerms = body.group_perms ?? {};
    const problems = await this.validate(template, userPerms, groupPerms);
    if (problems.length > 0) throw invalidUpdateRequest(problems);
    await this.db.transaction(async () => {
      const current = await this.templates.lockTemplate(template.id, 'update');
      if (!current) throw notFound();
      const userAcl = merged(current.userAcl, userPerms);
      const groupAcl = merged(current.groupAcl, groupPerms);
      await this.templates.updateTemplateAcl(current.id, userAcl, groupAcl);
      await this.audit.record({
        meta,
        userId: actor.id,
        organizationId: current.organizationId,
        resourceType: 'template',
        resourceId: current.id,
        resourceTarget: current.name,
        action: 'write',
        statusCode: 200,
        diff: auditDiff(
          { user_acl: current.userAcl, group_acl: current.groupAcl },
          { user_acl: userAcl, group_acl: groupAcl },
        ),
      });
    });
    return { message: 'Successfully updated template ACL list.' };
  }

  private async validate(
    template: TemplateEntity,
    userPerms: Record<string, unknown>,
    groupPerms: Record<string, unknown>,
  ) {
    const problems: ValidationEntry[] = [];
    const check = (field: 'user_perms' | 'group_perms', perms: Record<string, unknown>) => {
      const current = field === 'user_perms' ? template.userAcl : template.groupAcl;
      const ids: string[] = [];
      if (Object.keys(perms).length > MAX_ENTRIES) problems.push({ field, detail: tooManyEntries() });
      for (const [id, role] of Object.entries(perms)) {
        if (typeof role !== 'string' || !ROLES.includes(role)) {
          problems.push({ field, detail: invalidRole(role) });
        } else if (!isUuid(id)) {
          problems.push({ field, detail: invalidId(id) });
        } else if (role === '' && id.toLowerCase() in current) {
          // Removing an entry that is there needs no lookup: it may name a user or group deleted since.
        } else {
          ids.push(id.toLowerCase());
        }
      }
      return [...new Set(ids)];
    };
    const userIds = check('user_perms', userPerms);
    const groupIds = check('group_perms', groupPerms);
    // One answer for a user of another organization and for an id that names no user, so the
    // route tells nothing about users the caller may not see.
    const members = await this.groupsRepo.organizationMembersAmong(template.organizationId, userIds);
    for (const id of userIds)
      if (!members.has(id)) problems.push({ field: 'user_perms', detail: notAMember(id, template.organizationId) });
    const groups = await this.groupsRepo.listGroupsOfOrgByIds(template.organizationId, groupIds);
    const foundGroups = new Set(groups.map((g) => g.id));
    for (const id of groupIds) {
      if (!foundGroups.has(id))
        problems.push({ field: 'group_perms', detail: notAGroupOf(id, template.organizationId) });
    }
    return problems;
  }
}
