import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { badRequest, conflict, forbidden, isUuid, notFound } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { auditDiff, AuditService } from '../../core/audit/audit.service.js';
import { GroupEntity } from '../../core/groups/entities/group.entity.js';
import { OrganizationsService } from '../../core/organizations/organizations.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import type { Action } from '../../core/rbac/permissions.js';
import { can } from '../../core/rbac/policy.js';
import { groupAuditSnapshot, isEveryone, toGroupResponse, type CreateGroupRequest, type GroupResponse } from './dto/group.dto.js';
import { GroupsRepository } from './groups.repository.js';

export const EVERYONE = 'Everyone';

/**
 * Who sees a group: group readers of its organization (owner, user admin, auditor, template
 * admin, the organization's admins), and plain members for Everyone and the groups they are in.
 */
export function canSeeGroup(actor: Actor, group: GroupEntity): boolean {
  if (can(actor, 'read', { type: 'group', orgId: group.organizationId })) return true;
  if (!actor.orgRoles.has(group.organizationId)) return false;
  return isEveryone(group) || actor.groupIds.includes(group.id);
}

@Injectable()
export class GroupsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: GroupsRepository,
    private readonly orgs: OrganizationsService,
    private readonly audit: AuditService,
  ) {}

  async present(groups: GroupEntity[], manager?: EntityManager): Promise<GroupResponse[]> {
    const members = await this.repo.membersOfGroups(groups.map((g) => g.id), manager);
    return groups.map((g) => toGroupResponse(g, members.get(g.id) ?? []));
  }

  private async presentOne(group: GroupEntity, manager?: EntityManager): Promise<GroupResponse> {
    return (await this.present([group], manager))[0];
  }

  /** `{group}`: a UUID, or a name looked up in the caller's organizations (CONTRACT §4). 404 if not visible. */
  async resolve(actor: Actor, param: string): Promise<GroupEntity> {
    let group: GroupEntity | null = null;
    if (isUuid(param)) {
      group = await this.repo.getGroupById(param.toLowerCase());
    } else {
      const named = (await this.repo.listGroupsNamed(param, [...actor.orgRoles.keys()])).filter((g) => canSeeGroup(actor, g));
      if (named.length > 1) {
        throw badRequest(`Group name "${param}" is ambiguous: it exists in ${named.length} of your organizations. Use the group id.`);
      }
      group = named[0] ?? null;
    }
    if (!group || !canSeeGroup(actor, group)) throw notFound();
    return group;
  }

  private assertCan(actor: Actor, action: Action, group: GroupEntity): void {
    if (!can(actor, action, { type: 'group', orgId: group.organizationId })) throw forbidden();
  }

  async list(actor: Actor, orgParam: string): Promise<GroupResponse[]> {
    const org = await this.orgs.resolveVisible(actor, orgParam);
    const groups = (await this.repo.listGroupsOfOrg(org.id)).filter((g) => canSeeGroup(actor, g));
    return this.present(groups);
  }

  async getByName(actor: Actor, orgParam: string, name: string): Promise<GroupResponse> {
    const org = await this.orgs.resolveVisible(actor, orgParam);
    const group = await this.repo.getGroupByOrgAndName(org.id, name);
    if (!group || !canSeeGroup(actor, group)) throw notFound();
    return this.presentOne(group);
  }

  async get(actor: Actor, param: string): Promise<GroupResponse> {
    return this.presentOne(await this.resolve(actor, param));
  }

  async create(actor: Actor, orgParam: string, body: CreateGroupRequest, meta: RequestMeta): Promise<GroupResponse> {
    const org = await this.orgs.resolveVisible(actor, orgParam);
    if (body.name === EVERYONE) throw badRequest(`"${EVERYONE}" is a reserved keyword and cannot be used for a group name.`);
    const group = Object.assign(new GroupEntity(), {
      id: randomUUID(),
      name: body.name,
      displayName: body.display_name ?? '',
      organizationId: org.id,
      avatarUrl: body.avatar_url ?? '',
      quotaAllowance: body.quota_allowance ?? 0,
      source: 'user',
    });
    try {
      await this.db.transaction(async (manager) => {
        await this.repo.insertGroup(manager, group);
        await this.recordAudit(manager, actor, meta, group, 'create', 201, null, groupAuditSnapshot(group, []));
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`Group with name "${body.name}" already exists.`);
      throw err;
    }
    return toGroupResponse(group, []);
  }

  /** Deletes a group and answers it as it was (the API page's shape; Coder's SDK ignores the body). */
  async delete(actor: Actor, param: string, meta: RequestMeta): Promise<GroupResponse> {
    const group = await this.resolve(actor, param);
    this.assertCan(actor, 'delete', group);
    if (isEveryone(group)) throw badRequest(`"${EVERYONE}" is a reserved group and cannot be deleted!`);
    return this.db.transaction(async (manager) => {
      const before = await this.presentOne(group, manager);
      const memberIds = await this.repo.explicitMemberIds(manager, group.id);
      await this.repo.deleteGroup(manager, group.id);
      await this.recordAudit(manager, actor, meta, group, 'delete', 200, groupAuditSnapshot(group, memberIds), null);
      return before;
    });
  }

  recordAudit(
    manager: EntityManager,
    actor: Actor,
    meta: RequestMeta,
    group: GroupEntity,
    action: 'create' | 'write' | 'delete',
    statusCode: number,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ): Promise<void> {
    return this.audit.record(
      {
        meta,
        userId: actor.id,
        organizationId: group.organizationId,
        resourceType: 'group',
        resourceId: group.id,
        resourceTarget: group.name,
        action,
        statusCode,
        diff: auditDiff(before, after),
      },
      manager,
    );
  }

  /** For group-patch.service: permission checks shared with delete. */
  assertMayUpdate(actor: Actor, group: GroupEntity): void {
    this.assertCan(actor, 'update', group);
  }
}
