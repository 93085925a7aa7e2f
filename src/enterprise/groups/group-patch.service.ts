import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ApiError, badRequest, conflict, isUuid, type ValidationEntry } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import type { Actor } from '../../core/rbac/actor.js';
import { groupAuditSnapshot, isEveryone, type GroupResponse, type PatchGroupRequest } from './dto/group.dto.js';
import { GroupsRepository } from './groups.repository.js';
import { EVERYONE, GroupsService } from './groups.service.js';

const DUPLICATE_MEMBER = 'Cannot add the same user to a group twice!';

/** `PATCH /groups/{group}`: rename, display name, avatar, quota allowance, members — in one transaction. */
@Injectable()
export class GroupPatchService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly groups: GroupsService,
    private readonly repo: GroupsRepository,
  ) {}

  async patch(actor: Actor, param: string, body: PatchGroupRequest, meta: RequestMeta): Promise<GroupResponse> {
    const group = await this.groups.resolve(actor, param);
    this.groups.assertMayUpdate(actor, group);
    const rename = body.name && body.name !== group.name ? body.name : undefined;
    const add = body.add_users ?? [];
    const remove = [...new Set((body.remove_users ?? []).map((id) => id.toLowerCase()))];
    if (isEveryone(group)) {
      if (rename) throw badRequest(`Cannot rename the "${EVERYONE}" group!`);
      if (body.display_name) throw badRequest(`Cannot update the Display Name for the "${EVERYONE}" group!`);
      if (add.length > 0 || remove.length > 0) throw new ApiError(403, { message: `Cannot add or remove users from the "${EVERYONE}" group!` });
    }
    if (rename === EVERYONE) throw badRequest(`"${EVERYONE}" is a reserved group name!`);
    assertUserIds(add, body.remove_users ?? []);
    const addIds = add.map((id) => id.toLowerCase());
    const removing = new Set(remove);
    const overlap = addIds.filter((id) => removing.has(id));
    if (overlap.length > 0) throw badRequest(`Cannot both add and remove user "${overlap[0]}".`);

    try {
      return await this.db.transaction(async (manager) => {
        const current = await this.repo.getGroupById(group.id, manager);
        if (!current) throw new ApiError(404, { message: 'Resource not found or you do not have access to this resource' });
        const members = await this.repo.organizationMembersAmong(manager, current.organizationId, addIds);
        assertOrganizationMembers(add, members, current.organizationId);
        const before = await this.repo.explicitMemberIds(manager, current.id);
        assertNoDuplicates(addIds, before);
        const snapshotBefore = groupAuditSnapshot(current, before);
        if (rename) current.name = rename;
        if (body.display_name) current.displayName = body.display_name;
        if (body.avatar_url) current.avatarUrl = body.avatar_url;
        if (body.quota_allowance !== undefined) current.quotaAllowance = body.quota_allowance;
        await this.repo.updateGroup(manager, current);
        await this.repo.addMembers(manager, current.id, addIds);
        await this.repo.removeMembers(manager, current.id, remove);
        const after = await this.repo.explicitMemberIds(manager, current.id);
        await this.groups.recordAudit(manager, actor, meta, current, 'write', 200, snapshotBefore, groupAuditSnapshot(current, after));
        return (await this.groups.present([current], manager))[0];
      });
    } catch (err) {
      if (isUniqueViolation(err, 'groups_name_organization_id_key')) throw conflict(`A group with name "${rename}" already exists.`);
      if (isUniqueViolation(err)) throw badRequest(DUPLICATE_MEMBER);
      throw err;
    }
  }
}

/**
 * Coder's messages, one top-level message naming the first offender (what Coder's clients show);
 * `validations` name every offender, so a bulk edit can be fixed in one go.
 */
function assertUserIds(add: string[], remove: string[]): void {
  const bad: ValidationEntry[] = [];
  for (const [field, ids] of [['add_users', add], ['remove_users', remove]] as const) {
    for (const id of ids) if (!isUuid(id)) bad.push({ field, detail: `ID "${id}" must be a valid user UUID.` });
  }
  if (bad.length > 0) throw badRequest(bad[0].detail, undefined, bad);
}

/** Coder prints the group's id where it means the organization's (a slip); we print the organization's. */
function assertOrganizationMembers(add: string[], members: Set<string>, organizationId: string): void {
  const bad: ValidationEntry[] = add
    .filter((id) => !members.has(id.toLowerCase()))
    .map((id) => ({ field: 'add_users', detail: `User "${id}" must be a member of organization "${organizationId}"` }));
  if (bad.length > 0) throw badRequest(bad[0].detail, undefined, bad);
}

/** Coder's answer to a unique violation on group_members: a user listed twice, or already a member. */
function assertNoDuplicates(addIds: string[], current: string[]): void {
  // Sets, not list scans: a member list may hold 10,000 ids (MAX_MEMBER_CHANGES).
  const seen = new Set<string>();
  const twice = addIds.filter((id) => seen.has(id) || (seen.add(id), false));
  const members = new Set(current);
  const already = addIds.filter((id) => members.has(id));
  if (twice.length > 0) throw badRequest(DUPLICATE_MEMBER, `User "${twice[0]}" is listed more than once in add_users.`);
  if (already.length > 0) throw badRequest(DUPLICATE_MEMBER, `Already a member: ${[...new Set(already)].join(', ')}`);
}
