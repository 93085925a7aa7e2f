import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { isUuid } from '../../../common/errors.js';
import { isUniqueViolation } from '../../../common/pg-errors.js';
import { GroupEntity } from '../../../core/groups/entities/group.entity.js';
import { GroupsRepository } from '../../../core/groups/groups.repository.js';
import { Database } from '../../../database/database.js';
import { groupAuditSnapshot } from '../../groups/dto/group.dto.js';
import { GROUP_SCHEMA } from '../discovery/scim-schema.js';
import { parseListQuery, parseProjection, parseSearchRequest, type ListQuery } from '../filter/scim-list-query.js';
import type { Projection } from '../filter/scim-projection.js';
import { ScimAudit, type ScimAuditEntry } from '../http/scim-audit.js';
import type { ScimContext, ScimReply } from '../http/scim-http.js';
import { ScimOrganization } from '../http/scim-organization.js';
import {
  createdReply,
  deletedReply,
  listReply,
  notModifiedReply,
  patchedReply,
  resourceReply,
  wantsAttribute,
} from '../http/scim-replies.js';
import { etagMatches } from '../http/scim-values.js';
import {
  displayNameTaken,
  groupConflict,
  noFreeGroupName,
  preconditionFailed,
  scimNotFound,
  unknownMembers,
} from '../http/scim.errors.js';
import { parsePatchRequest } from '../patch/scim-patch-request.js';
import { ScimUsersRepository } from '../users/scim-users.repository.js';
import {
  displayNameOf,
  groupNameCandidates,
  groupVersion,
  patchedGroup,
  readGroup,
  toScimGroup,
  type GroupInput,
  type MemberRef,
  type ScimGroupRow,
} from './scim-group.mapper.js';
import { ScimGroupsRepository } from './scim-groups.repository.js';

type Reply = (resource: Record<string, unknown>, projection: Projection) => ScimReply;

/**
 * SCIM Groups (beyond Coder) over the groups of the default organization, through the groups
 * repository: the same rows, members and audit entries as `/groups`. The Everyone group is not a
 * SCIM group. A write is one transaction, read top-down like the users' (ScimUsersService).
 */
@Injectable()
export class ScimGroupsService {
  constructor(
    private readonly db: Database,
    private readonly repo: ScimGroupsRepository,
    private readonly groups: GroupsRepository,
    private readonly scimUsers: ScimUsersRepository,
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
    const members =
      orgId && wantsAttribute(query.projection, 'members')
        ? await this.repo.membersOf(
            orgId,
            rows.map((r) => r.id),
          )
        : undefined;
    return listReply(
      query,
      total,
      rows.map((r) => toScimGroup(r, ctx.base, members?.get(r.id))),
    );
  }

  async get(id: string, ctx: ScimContext): Promise<ScimReply> {
    const orgId = await this.org.id();
    const row = orgId && isUuid(id) ? await this.repo.get(orgId, id.toLowerCase()) : null;
    if (!orgId || !row) throw scimNotFound();
    if (etagMatches(ctx.ifNoneMatch, groupVersion(row))) return notModifiedReply(groupVersion(row));
    return this.answer(orgId, row, ctx, resourceReply);
  }

  async create(body: unknown, ctx: ScimContext): Promise<ScimReply> {
    const input = readGroup(body);
    const orgId = await this.org.requireId();
    const row = await this.writing(async () => {
      await this.repo.lockGroupWrites();
      await this.assertDisplayNameFree(orgId, input.displayName);
      const group = Object.assign(new GroupEntity(), {
        id: randomUUID(),
        name: await this.freeName(orgId, input.displayName),
        displayName: input.displayName,
        organizationId: orgId,
        avatarUrl: '',
        quotaAllowance: 0,
        source: 'user',
      });
      await this.groups.insertGroup(group);
      await this.repo.setExternalId(group.id, input.externalId);
      const members = await this.checkedNewMembers(orgId, input.members, new Set());
      await this.groups.addMembers(group.id, members);
      await this.record(ctx, group, 'create', HttpStatus.CREATED, null, {
        ...groupAuditSnapshot(group, members),
        external_id: input.externalId,
      });
      return (await this.repo.get(orgId, group.id))!;
    });
    return this.answer(orgId, row, ctx, createdReply);
  }

  async replace(id: string, body: unknown, ctx: ScimContext): Promise<ScimReply> {
    const input = readGroup(body);
    const orgId = await this.org.requireId();
    const row = await this.writing(async () => {
      const current = await this.lockForWrite(orgId, id, ctx);
      const members = await this.membersOf(orgId, current);
      return this.store(orgId, current, members, input, ctx);
    });
    return this.answer(orgId, row, ctx, resourceReply);
  }

  /** PATCH: the operations are applied to the locked group's resource and stored as a PUT of the result. */
  async patch(id: string, body: unknown, ctx: ScimContext): Promise<ScimReply> {
    const request = parsePatchRequest(body, false);
    const orgId = await this.org.requireId();
    const row = await this.writing(async () => {
      const current = await this.lockForWrite(orgId, id, ctx);
      const members = await this.membersOf(orgId, current);
      const input = patchedGroup(current, members, request, ctx.base);
      return this.store(orgId, current, members, input, ctx);
    });
    return this.answer(orgId, row, ctx, patchedReply);
  }

  async remove(id: string, ctx: ScimContext): Promise<ScimReply> {
    const orgId = await this.org.requireId();
    await this.writing(async () => {
      const current = await this.lockForWrite(orgId, id, ctx);
      const group = (await this.groups.getGroupById(current.id))!;
      const memberIds = await this.groups.explicitMemberIds(group.id);
      await this.groups.deleteGroup(group.id);
      const before = { ...groupAuditSnapshot(group, memberIds), external_id: current.externalId };
      await this.record(ctx, group, 'delete', HttpStatus.NO_CONTENT, before, null);
    });
    return deletedReply();
  }

  private async lockForWrite(orgId: string, id: string, ctx: ScimContext): Promise<ScimGroupRow> {
    if (!isUuid(id)) throw scimNotFound();
    await this.repo.lockGroupWrites();
    const current = await this.repo.get(orgId, id.toLowerCase(), true);
    if (!current) throw scimNotFound();
    if (ctx.ifMatch !== undefined && !etagMatches(ctx.ifMatch, groupVersion(current))) throw preconditionFailed();
    return current;
  }

  private async membersOf(orgId: string, group: ScimGroupRow): Promise<MemberRef[]> {
    return (await this.repo.membersOf(orgId, [group.id])).get(group.id) ?? [];
  }

  /** Stores `input` over the group: display name (and Coder name), externalId, members by difference. */
  private async store(
    orgId: string,
    current: ScimGroupRow,
    currentMembers: MemberRef[],
    input: GroupInput,
    ctx: ScimContext,
  ): Promise<ScimGroupRow> {
    const group = (await this.groups.getGroupById(current.id))!;
    const before = {
      ...groupAuditSnapshot(
        group,
        currentMembers.map((m) => m.id),
      ),
      external_id: current.externalId,
    };
    if (input.displayName !== displayNameOf(current)) {
      await this.assertDisplayNameFree(orgId, input.displayName, current.id);
      group.name = await this.freeName(orgId, input.displayName, current.id);
      group.displayName = input.displayName;
      await this.groups.updateGroup(group);
    }
    if (input.externalId !== current.externalId) await this.repo.setExternalId(current.id, input.externalId);
    const have = new Set(currentMembers.map((m) => m.id));
    const add = await this.checkedNewMembers(orgId, input.members, have);
    const remove = [...have].filter((id) => !input.members.includes(id));
    await this.groups.addMembers(current.id, add);
    await this.groups.removeMembers(current.id, remove);
    const members = input.members.filter((id) => have.has(id) || add.includes(id));
    const after = { ...groupAuditSnapshot(group, members), external_id: input.externalId };
    if (JSON.stringify(before) !== JSON.stringify(after))
      await this.record(ctx, group, 'write', HttpStatus.OK, before, after);
    return (await this.repo.get(orgId, current.id))!;
  }

  /** The ids of `wanted` not yet members; each must be a user SCIM sees (400 `invalidValue` otherwise). */
  private async checkedNewMembers(orgId: string, wanted: string[], have: Set<string>): Promise<string[]> {
    const fresh = wanted.filter((id) => !have.has(id));
    const malformed = fresh.filter((id) => !isUuid(id));
    const exposed = await this.scimUsers.exposedUsersAmong(
      orgId,
      fresh.filter((id) => isUuid(id)),
    );
    const unknown = [...malformed, ...fresh.filter((id) => isUuid(id) && !exposed.has(id))];
    if (unknown.length > 0) throw unknownMembers(unknown);
    return fresh;
  }

  private async assertDisplayNameFree(orgId: string, displayName: string, exceptId?: string): Promise<void> {
    const holder = await this.groups.groupIdShownAs(orgId, displayName, exceptId);
    if (holder) throw displayNameTaken(displayName, holder);
  }

  /** A Coder group name for the display name, free in the organization. */
  private async freeName(orgId: string, displayName: string, exceptId?: string): Promise<string> {
    const candidates = groupNameCandidates(displayName);
    const taken = await this.groups.takenGroupNames(orgId, candidates, exceptId);
    const name = candidates.find((n) => !taken.has(n.toLowerCase()));
    if (!name) throw noFreeGroupName(displayName);
    return name;
  }

  private record(
    ctx: ScimContext,
    group: GroupEntity,
    action: ScimAuditEntry['action'],
    statusCode: number,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ): Promise<void> {
    return this.audit.record({
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

  /** The group's resource (`members` loaded when projected) in the answer `reply` makes of it. */
  private async answer(orgId: string, row: ScimGroupRow, ctx: ScimContext, reply: Reply): Promise<ScimReply> {
    const projection = parseProjection(ctx.query, GROUP_SCHEMA);
    const members = wantsAttribute(projection, 'members') ? await this.membersOf(orgId, row) : undefined;
    return reply(toScimGroup(row, ctx.base, members), projection);
  }

  /** One transaction; a unique violation raised by a concurrent write is still a 409. */
  private async writing<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(work);
    } catch (err) {
      if (isUniqueViolation(err)) throw groupConflict();
      throw err;
    }
  }
}
