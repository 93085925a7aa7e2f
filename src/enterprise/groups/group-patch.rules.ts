import { isUuid, type ValidationEntry } from '../../common/errors.js';
import type { GroupEntity } from '../../core/groups/entities/group.entity.js';
import { EVERYONE_GROUP_NAME, isEveryoneGroup } from '../../core/groups/everyone-group.js';
import type { PatchGroupRequest } from './dto/group.dto.js';
import {
  addAndRemove,
  alreadyMembersDetail,
  duplicateMember,
  everyoneDisplayName,
  everyoneMembers,
  everyoneRename,
  invalidMembers,
  invalidUserIdDetail,
  listedTwiceDetail,
  notOrganizationMemberDetail,
  renameToEveryone,
} from './groups.errors.js';

/** What a `PATCH /groups/{group}` body asks for, checked against everything known before reading the members. */
export interface GroupPatchPlan {
  rename: string | undefined;
  /** The ids as sent (messages name them as the caller wrote them). */
  add: string[];
  /** Lower-cased ids to add. */
  addIds: string[];
  /** Lower-cased, de-duplicated ids to remove. */
  remove: string[];
}

/** The checks that need no database, in Coder's order (the Everyone group's rules first). */
export function planGroupPatch(group: GroupEntity, body: PatchGroupRequest): GroupPatchPlan {
  const rename = body.name && body.name !== group.name ? body.name : undefined;
  const add = body.add_users ?? [];
  const remove = [...new Set((body.remove_users ?? []).map((id) => id.toLowerCase()))];
  if (isEveryoneGroup(group)) {
    if (rename) throw everyoneRename();
    if (body.display_name) throw everyoneDisplayName();
    if (add.length > 0 || remove.length > 0) throw everyoneMembers();
  }
  if (rename === EVERYONE_GROUP_NAME) throw renameToEveryone();
  assertUserIds(add, body.remove_users ?? []);
  const addIds = add.map((id) => id.toLowerCase());
  const removing = new Set(remove);
  const overlap = addIds.filter((id) => removing.has(id));
  if (overlap.length > 0) throw addAndRemove(overlap[0]);
  return { rename, add, addIds, remove };
}

/** The group with the body's field changes applied (absent or empty fields are unchanged). */
export function applyGroupPatch(group: GroupEntity, body: PatchGroupRequest, rename: string | undefined): void {
  if (rename) group.name = rename;
  if (body.display_name) group.displayName = body.display_name;
  if (body.avatar_url) group.avatarUrl = body.avatar_url;
  if (body.quota_allowance !== undefined) group.quotaAllowance = body.quota_allowance;
}

/**
 * Coder's messages, one top-level message naming the first offender (what Coder's clients show);
 * `validations` name every offender, so a bulk edit can be fixed in one go.
 */
function assertUserIds(add: string[], remove: string[]): void {
  const bad: ValidationEntry[] = [];
  for (const [field, ids] of [
    ['add_users', add],
    ['remove_users', remove],
  ] as const) {
    for (const id of ids) if (!isUuid(id)) bad.push({ field, detail: invalidUserIdDetail(id) });
  }
  if (bad.length > 0) throw invalidMembers(bad);
}

/** Coder prints the group's id where it means the organization's (a slip); we print the organization's. */
export function assertOrganizationMembers(add: string[], members: Set<string>, organizationId: string): void {
  const bad: ValidationEntry[] = add
    .filter((id) => !members.has(id.toLowerCase()))
    .map((id) => ({ field: 'add_users', detail: notOrganizationMemberDetail(id, organizationId) }));
  if (bad.length > 0) throw invalidMembers(bad);
}

/** Coder's answer to a unique violation on group_members: a user listed twice, or already a member. */
export function assertNoDuplicates(addIds: string[], current: string[]): void {
  // Sets, not list scans: a member list may hold 10,000 ids (MAX_MEMBER_CHANGES).
  const seen = new Set<string>();
  const twice = addIds.filter((id) => seen.has(id) || (seen.add(id), false));
  const members = new Set(current);
  const already = addIds.filter((id) => members.has(id));
  if (twice.length > 0) throw duplicateMember(listedTwiceDetail(twice[0]));
  if (already.length > 0) throw duplicateMember(alreadyMembersDetail([...new Set(already)]));
}
