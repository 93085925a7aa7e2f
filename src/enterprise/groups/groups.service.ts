import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { auditDiff, AuditService } from '../../core/audit/audit.service.js';
import { GroupEntity } from '../../core/groups/entities/group.entity.js';
import { EVERYONE_GROUP_NAME, isEveryoneGroup } from '../../core/groups/everyone-group.js';
import { GroupsRepository } from '../../core/groups/groups.repository.js';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import type { Actor } from '../../core/rbac/actor.js';
import type { Action } from '../../core/rbac/permissions.js';
import { can } from '../../core/rbac/policy.js';
import { Database } from '../../database/database.js';
import {
  groupAuditSnapshot,
  toGroupResponse,
  type CreateGroupRequest,
  type GroupResponse,
  type PatchGroupRequest,
} from './dto/group.dto.js';
import { GroupReadsService } from './group-reads.service.js';
import { applyGroupPatch, assertNoDuplicates, assertOrganizationMembers, planGroupPatch } from './group-patch.rules.js';
import {
  duplicateMember,
  everyoneUndeletable,
  groupChangeForbidden,
  groupGone,
  groupNameReserved,
  groupNameTaken,
  renameTaken,
} from './groups.errors.js';

type GroupAuditAction = 'create' | 'write' | 'delete';

/** The group resource's writes (`/organizations/{organization}/groups`, `/groups/{group}`): create, patch, delete; reads are GroupReadsService. */
@Injectable()
export class GroupsService {
  constructor(
    private readonly db: Database,
    private readonly repo: GroupsRepository,
    private readonly reads: GroupReadsService,
    private readonly audit: AuditService,
  ) {}

  /** Groups as the API answers them, for other features' responses (template ACL). */
  present(groups: GroupEntity[]): Promise<GroupResponse[]> {
    return this.reads.presentGroups(groups);
  }

  async create(
    actor: Actor,
    org: OrganizationEntity,
    body: CreateGroupRequest,
    meta: RequestMeta,
  ): Promise<GroupResponse> {
    if (body.name === EVERYONE_GROUP_NAME) throw groupNameReserved();
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
      await this.db.transaction(async () => {
        await this.repo.insertGroup(group);
        await this.recordAudit(actor, meta, group, 'create', 201, null, groupAuditSnapshot(group, []));
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw groupNameTaken(body.name);
      throw err;
    }
    const summary = {
      group,
      organizationName: org.name,
      organizationDisplayName: org.displayName,
      totalMemberCount: 0,
    };
    return toGroupResponse(summary, []);
  }

  /** Rename, display name, avatar, quota allowance and members, in one transaction. */
  async update(actor: Actor, group: GroupEntity, body: PatchGroupRequest, meta: RequestMeta): Promise<GroupResponse> {
    this.assertMay(actor, 'update', group);
    const plan = planGroupPatch(group, body);
    try {
      return await this.db.transaction(async () => {
        const current = await this.repo.getGroupById(group.id);
        if (!current) throw groupGone();
        const members = await this.repo.organizationMembersAmong(current.organizationId, plan.addIds);
        assertOrganizationMembers(plan.add, members, current.organizationId);
        const before = await this.repo.explicitMemberIds(current.id);
        assertNoDuplicates(plan.addIds, before);
        const snapshotBefore = groupAuditSnapshot(current, before);
        applyGroupPatch(current, body, plan.rename);
        await this.repo.updateGroup(current);
        await this.repo.addMembers(current.id, plan.addIds);
        await this.repo.removeMembers(current.id, plan.remove);
        const after = await this.repo.explicitMemberIds(current.id);
        await this.recordAudit(actor, meta, current, 'write', 200, snapshotBefore, groupAuditSnapshot(current, after));
        return this.reads.get(current);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'groups_name_organization_id_key')) throw renameTaken(plan.rename);
      if (isUniqueViolation(err)) throw duplicateMember();
      throw err;
    }
  }

  /** Deletes a group and answers it as it was (the API page's shape; Coder's SDK ignores the body). */
  async delete(actor: Actor, group: GroupEntity, meta: RequestMeta): Promise<GroupResponse> {
    this.assertMay(actor, 'delete', group);
    if (isEveryoneGroup(group)) throw everyoneUndeletable();
    return this.db.transaction(async () => {
      const before = await this.reads.get(group);
      const memberIds = await this.repo.explicitMemberIds(group.id);
      await this.repo.deleteGroup(group.id);
      await this.recordAudit(actor, meta, group, 'delete', 200, groupAuditSnapshot(group, memberIds), null);
      return before;
    });
  }

  /** The caller sees the group (the `{group}` resolver checked it) but may not change it: 403. */
  private assertMay(actor: Actor, action: Action, group: GroupEntity): void {
    if (!can(actor, action, { type: 'group', orgId: group.organizationId })) throw groupChangeForbidden();
  }

  private recordAudit(
    actor: Actor,
    meta: RequestMeta,
    group: GroupEntity,
    action: GroupAuditAction,
    statusCode: number,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ): Promise<void> {
    return this.audit.record({
      meta,
      userId: actor.id,
      organizationId: group.organizationId,
      resourceType: 'group',
      resourceId: group.id,
      resourceTarget: group.name,
      action,
      statusCode,
      diff: auditDiff(before, after),
    });
  }
}
