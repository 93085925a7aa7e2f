import { Injectable } from '@nestjs/common';
import { isUuid, type ValidationEntry } from '../../common/errors.js';
import { parsePagination, QueryParser } from '../../common/query.js';
import type { GroupEntity } from '../../core/groups/entities/group.entity.js';
import { GroupListingRepository, type GroupSummary } from '../../core/groups/group-listing.repository.js';
import { canReadGroup } from '../../core/groups/groups.params.js';
import { GroupsRepository } from '../../core/groups/groups.repository.js';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import type { UserEntity } from '../../core/users/entities/user.entity.js';
import type { Actor } from '../../core/rbac/actor.js';
import { can, canReadUser } from '../../core/rbac/policy.js';
import { toUserResponse } from '../../core/users/dto/user.dto.js';
import { parseUserSearch } from '../../core/search/user-search.js';
import {
  sharedMemberPresenter,
  toGroupResponse,
  type GroupMembersResponse,
  type GroupResponse,
} from './dto/group.dto.js';
import {
  asMemberSearchError,
  groupScopeOf,
  notFoundValidation,
  parseExcludeMembers,
  parseGroupListQuery,
  type RawGroupListQuery,
} from './group-queries.js';
import { invalidGroupQuery } from './groups.errors.js';

/**
 * The group reads in Coder's current shape: a group, the groups the caller may see (filtered as
 * Coder's `GET /groups`), and a group's members page by page. Every read costs a fixed number of
 * statements, however many groups and members there are.
 */
@Injectable()
export class GroupReadsService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly listing: GroupListingRepository,
  ) {}

  /** Groups as the API answers them: members (one query for all of them) unless excluded. */
  async present(summaries: GroupSummary[], excludeMembers = false): Promise<GroupResponse[]> {
    const members = excludeMembers
      ? new Map<string, UserEntity[]>()
      : await this.groups.membersOfGroups(summaries.map((s) => s.group.id));
    const present = sharedMemberPresenter();
    return summaries.map((s) => toGroupResponse(s, members.get(s.group.id) ?? [], present));
  }

  async presentGroups(groups: GroupEntity[]): Promise<GroupResponse[]> {
    return this.present(await this.listing.summarize(groups));
  }

  /** One group the `{group}`/`{groupName}` resolver found visible; `exclude_members` answers `members: []`. */
  async get(group: GroupEntity, query: Record<string, unknown> = {}): Promise<GroupResponse> {
    const exclude = parseExcludeMembers(query);
    return (await this.present(await this.listing.summarize([group]), exclude))[0];
  }

  /**
   * `GET /groups` (strict parameters, as Coder) and `GET /organizations/{org}/groups` (lenient,
   * organization fixed); `limit`/`offset` bound the page, and the members are read for its groups only.
   */
  async list(actor: Actor, query: Record<string, unknown>, org?: OrganizationEntity): Promise<GroupResponse[]> {
    const raw = parseGroupListQuery(query, org === undefined);
    const { organizationId, hasMemberId } = await this.resolveNames(actor, raw, org);
    const summaries = await this.listing.listGroupSummaries({
      organizationId,
      hasMemberId,
      groupIds: raw.groupIds,
      scope: groupScopeOf(actor),
      page: raw.page,
    });
    return this.present(summaries.filter((s) => canReadGroup(actor, s.group)));
  }

  /** `GET …/groups/{group}/members`: `q` (the user search), `limit`, `offset`, `after_id`. */
  async members(group: GroupEntity, query: Record<string, unknown>): Promise<GroupMembersResponse> {
    const parser = new QueryParser(query);
    const page = parsePagination(parser);
    const q = parser.string('q');
    parser.done();
    let filter;
    try {
      filter = parseUserSearch(q);
    } catch (err) {
      throw asMemberSearchError(err);
    }
    const { users, count } = await this.listing.membersPage(group, filter, page);
    return { users: users.map((u) => toUserResponse(u, [group.organizationId])), count };
  }

  /** `organization` (id or name) and `has_member` (id, username or `me`), as Coder's UUIDorName. */
  private async resolveNames(
    actor: Actor,
    raw: RawGroupListQuery,
    org: OrganizationEntity | undefined,
  ): Promise<{ organizationId?: string; hasMemberId?: string }> {
    const problems: ValidationEntry[] = [];
    let organizationId = org?.id;
    if (!org && raw.organization !== undefined && isUuid(raw.organization)) {
      // An id outside the caller's view lists nothing (the scope hides its groups), as in Coder.
      organizationId = raw.organization.toLowerCase();
    } else if (!org && raw.organization !== undefined) {
      const id = await this.listing.organizationIdByName(raw.organization);
      // A name the caller may not see is as unknown as a missing one.
      if (id && can(actor, 'read', { type: 'organization', orgId: id })) organizationId = id;
      else problems.push(notFoundValidation('organization', raw.organization));
    }
    let hasMemberId: string | undefined;
    if (raw.hasMember === 'me') hasMemberId = actor.id;
    else if (raw.hasMember !== undefined && isUuid(raw.hasMember)) hasMemberId = raw.hasMember.toLowerCase();
    else if (raw.hasMember !== undefined) {
      const user = await this.listing.userByUsername(raw.hasMember);
      if (user && canReadUser(actor, user.id, user.organizationIds)) hasMemberId = user.id;
      else problems.push(notFoundValidation('has_member', raw.hasMember));
    }
    if (problems.length > 0) throw invalidGroupQuery(problems);
    return { organizationId, hasMemberId };
  }
}
