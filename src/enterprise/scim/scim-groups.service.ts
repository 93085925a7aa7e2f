import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isUuid } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { GroupEntity } from '../../core/groups/entities/group.entity.js';
import { groupAuditSnapshot } from '../groups/dto/group.dto.js';
import { GroupsRepository } from '../groups/groups.repository.js';
import { ScimAudit } from './scim-audit.js';
import { invalidValue, preconditionFailed, scimNotFound, uniqueness } from './scim-error.js';
import {
  displayNameOf,
  groupNameCandidates,
  groupVersion,
  readGroup,
  toScimGroup,
  type GroupInput,
  type MemberRef,
  type ScimGroupRow,
} from './scim-group.mapper.js';
import { ScimGroupsRepository } from './scim-groups.repository.js';
import type { ScimContext, ScimReply } from './scim-http.js';
import { parseListQuery, parseProjection, parseSearchRequest, type ListQuery } from './scim-list-query.js';
import { applyPatch, parsePatchRequest } from './scim-patch.js';
import { listReply, resourceReply, ScimOrganization, wantsAttribute } from './scim-replies.js';
import { GROUP_SCHEMA } from './scim-schema.js';
import { etagMatches } from './scim-values.js';

/**
 * SCIM Groups (beyond Coder) over the groups of the default organization, through the groups
 * module's repository: the same rows, members and audit entries as `/groups`. The Everyone group
 * is not a SCIM group.
 */
@Injectable()
export class ScimGroupsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: ScimGroupsRepository,
    private readonly groups: GroupsRepository,
    private readonly audit: ScimAudit,
    private readonly org: ScimOrganization,
  ) {}

  list(ctx: ScimContext): Promise<ScimReply> {
    return this.search(parseListQuery(ctx.query, GROUP_SCHEMA), ctx);
  }

  searchBody(body: unknown, ctx: ScimContext): Promise<ScimReply> {
    return this.search(parseSearchRequest(body, GROUP_SCHEMA), ctx);
  }

  private async search(query: ListQuery, ctx: ScimContext): Promise<ScimReply> {
    const orgId = await this.org.id();
    const { total, rows } = orgId
      ? await this.repo.list(orgId, query.filter, query.startIndex - 1, query.count)
      : { total: 0, rows: [] as ScimGroupRow[] };
    const members = orgId && wantsAttribute(query.projection, 'members') ? await this.repo.membersOf(orgId, rows.map((r) => r.id)) : undefined;
    return listReply(query, total, rows.map((r) => toScimGroup(r, ctx.base, members?.get(r.id))));
  }

  async get(id: string, ctx: ScimContext): Promise<ScimReply> {
    const orgId = await this.org.id();
    const row = orgId && isUuid(id) ? await this.repo.get(orgId, id.toLowerCase()) : null;
    if (!orgId || !row) throw scimNotFound();
    if (etagMatches(ctx.ifNoneMatch, groupVersion(row))) return { status: 304, headers: { ETag: groupVersion(row) } };
    return this.present(orgId, row, ctx, 200);
  }

  /** The group's resource answer (`members` loaded when projected); see resourceReply. */
  private async present(orgId: string, row: ScimGroupRow, ctx: ScimContext, status: number, patch = false): Promise<ScimReply> {
    const projection = parseProjection(ctx.query, GROUP_SCHEMA);
    const members = wantsAttribute(projection, 'members') ? (await this.repo.membersOf(orgId, [row.id])).get(row.id) : undefined;
    return resourceReply(toScimGroup(row, ctx.base, members), projection, status, patch);
  }

  async create(body: unknown, ctx: ScimContext): Promise<ScimReply> {
    const input = readGroup(body);
    const orgId = await this.org.requireId();
    const row = await this.transaction(async (manager) => {
      await this.repo.lockGroupWrites(manager);
      await this.assertDisplayNameFree(manager, orgId, input.displayName);
      const group = Object.assign(new GroupEntity(), {
        id: randomUUID(),
        name: await this.freeName(manager, orgId, input.displayName),
        displayName: input.displayName,
        organizationId: orgId,
        avatarUrl: '',
        quotaAllowance: 0,
        source: 'user',
      });
      await this.groups.insertGroup(manager, group);
      await this.repo.setExternalId(manager, group.id, input.externalId);
      const members = await this.checkedNewMembers(manager, orgId, input.members, new Set());
      await this.groups.addMembers(manager, group.id, members);
      await this.record(manager, ctx, group, 'create', 201, null, { ...groupAuditSnapshot(group, members), external_id: input.externalId });
      return (await this.repo.get(orgId, group.id, manager))!;
    });
    return this.present(orgId, row, ctx, 201);
  }

  replace(id: string, body: unknown, ctx: ScimContext): Promise<ScimReply> {
    const input = readGroup(body);
    return this.update(id, ctx, () => input);
  }

  patch(id: string, body: unknown, ctx: ScimContext): Promise<ScimReply> {
    const request = parsePatchRequest(body, false);
    return this.update(id, ctx, (current, members) => {
      const doc = toScimGroup(current, ctx.base, members);
      delete doc.meta;
      // PatchOp only here (parsePatchRequest refuses the legacy form for groups).
      return readGroup(applyPatch(doc, request.kind === 'operations' ? request.operations : [], GROUP_SCHEMA));
    }, true);
  }

  private async update(
    id: string,
    ctx: ScimContext,
    next: (current: ScimGroupRow, members: MemberRef[]) => GroupInput,
    patch = false,
  ): Promise<ScimReply> {
    const orgId = await this.org.requireId();
    const row = await this.transaction(async (manager) => {
      const current = await this.lockForWrite(manager, orgId, id, ctx);
      const members = (await this.repo.membersOf(orgId, [current.id], manager)).get(current.id) ?? [];
      return this.write(manager, orgId, current, members, next(current, members), ctx);
    });
    return this.present(orgId, row, ctx, 200, patch);
  }

  async remove(id: string, ctx: ScimContext): Promise<ScimReply> {
    const orgId = await this.org.requireId();
    await this.transaction(async (manager) => {
      const current = await this.lockForWrite(manager, orgId, id, ctx);
      const group = (await this.groups.getGroupById(current.id, manager))!;
      const memberIds = await this.groups.explicitMemberIds(manager, group.id);
      await this.groups.deleteGroup(manager, group.id);
      await this.record(manager, ctx, group, 'delete', 204, { ...groupAuditSnapshot(group, memberIds), external_id: current.externalId }, null);
    });
    return { status: 204 };
  }

  private async lockForWrite(manager: EntityManager, orgId: string, id: string, ctx: ScimContext): Promise<ScimGroupRow> {
    if (!isUuid(id)) throw scimNotFound();
    await this.repo.lockGroupWrites(manager);
    const current = await this.repo.get(orgId, id.toLowerCase(), manager, true);
    if (!current) throw scimNotFound();
    if (ctx.ifMatch !== undefined && !etagMatches(ctx.ifMatch, groupVersion(current))) throw preconditionFailed();
    return current;
  }

  /** Stores `input` over the group: display name (and Coder name), externalId, members by difference. */
  private async write(
    manager: EntityManager,
    orgId: string,
    current: ScimGroupRow,
    currentMembers: MemberRef[],
    input: GroupInput,
    ctx: ScimContext,
  ): Promise<ScimGroupRow> {
    const group = (await this.groups.getGroupById(current.id, manager))!;
    const before = { ...groupAuditSnapshot(group, currentMembers.map((m) => m.id)), external_id: current.externalId };
    if (input.displayName !== displayNameOf(current)) {
      await this.assertDisplayNameFree(manager, orgId, input.displayName, current.id);
      group.name = await this.freeName(manager, orgId, input.displayName, current.id);
      group.displayName = input.displayName;
      await this.groups.updateGroup(manager, group);
    }
    if (input.externalId !== current.externalId) await this.repo.setExternalId(manager, current.id, input.externalId);
    const have = new Set(currentMembers.map((m) => m.id));
    const add = await this.checkedNewMembers(manager, orgId, input.members, have);
    const remove = [...have].filter((id) => !input.members.includes(id));
    await this.groups.addMembers(manager, current.id, add);
    await this.groups.removeMembers(manager, current.id, remove);
    const members = input.members.filter((id) => have.has(id) || add.includes(id));
    const after = { ...groupAuditSnapshot(group, members), external_id: input.externalId };
    if (JSON.stringify(before) !== JSON.stringify(after)) await this.record(manager, ctx, group, 'write', 200, before, after);
    return (await this.repo.get(orgId, current.id, manager))!;
  }

  /** The ids of `wanted` not yet members; each must be a user SCIM sees (400 `invalidValue` otherwise). */
  private async checkedNewMembers(manager: EntityManager, orgId: string, wanted: string[], have: Set<string>): Promise<string[]> {
    const fresh = wanted.filter((id) => !have.has(id));
    const malformed = fresh.filter((id) => !isUuid(id));
    const exposed = await this.repo.exposedUsersAmong(manager, orgId, fresh.filter((id) => isUuid(id)));
    const unknown = [...malformed, ...fresh.filter((id) => isUuid(id) && !exposed.has(id))];
    if (unknown.length > 0) {
      const shown = unknown.slice(0, 5).map((id) => JSON.stringify(id)).join(', ');
      throw invalidValue(`members must be ids of provisioned users; unknown: ${shown}${unknown.length > 5 ? ', …' : ''}.`);
    }
    return fresh;
  }

  private async assertDisplayNameFree(manager: EntityManager, orgId: string, displayName: string, exceptId?: string): Promise<void> {
    const holder = await this.repo.groupShownAs(manager, orgId, displayName, exceptId);
    if (holder) throw uniqueness(`A group with displayName ${JSON.stringify(displayName)} already exists (group ${holder}).`);
  }

  /** A Coder group name for the display name, free in the organization. */
  private async freeName(manager: EntityManager, orgId: string, displayName: string, exceptId?: string): Promise<string> {
    const candidates = groupNameCandidates(displayName);
    const taken = await this.repo.takenNames(manager, orgId, candidates, exceptId);
    const name = candidates.find((n) => !taken.has(n.toLowerCase()));
    if (!name) throw uniqueness(`No free group name could be derived from displayName ${JSON.stringify(displayName)}.`);
    return name;
  }

  private record(
    manager: EntityManager,
    ctx: ScimContext,
    group: GroupEntity,
    action: 'create' | 'write' | 'delete',
    statusCode: number,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ): Promise<void> {
    return this.audit.record(manager, {
      meta: ctx.meta,
      organizationId: group.organizationId,
      resourceType: 'group',
      resourceId: group.id,
      resourceTarget: group.name,
      action,
      statusCode,
      before,
      after,
    });
  }

  private async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(work);
    } catch (err) {
      if (isUniqueViolation(err)) throw uniqueness('The group conflicts with an existing one.');
      throw err;
    }
  }
}
