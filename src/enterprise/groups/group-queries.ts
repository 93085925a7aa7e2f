import { isUuid, type ApiError, type ValidationEntry } from '../../common/errors.js';
import { MAX_PAGE_SIZE, QueryParser } from '../../common/query.js';
import type { Actor } from '../../core/rbac/actor.js';
import { can } from '../../core/rbac/policy.js';
import type { GroupScope } from '../../core/groups/group-listing.repository.js';
import { invalidMemberSearch } from './groups.errors.js';

/**
 * The query parameters of Coder's `GET /groups` (enterprise/coderd/groups.go `api.groups`), and
 * ours: `limit` and `offset` bound the page (Coder answers every group, and 400s on them).
 */
export const GROUP_LIST_PARAMS = ['organization', 'has_member', 'group_ids', 'limit', 'offset'] as const;

/** What `GET /groups` asks for before names are looked up. */
export interface RawGroupListQuery {
  organization?: string;
  hasMember?: string;
  groupIds: string[];
  page: GroupPage;
}

/**
 * A page of a group list: `limit` groups (absent or 0: all of them, as Coder, which has no page
 * here) after skipping `offset`, in the list's order.
 */
export interface GroupPage {
  limit?: number;
  offset: number;
}

/** Go's uuid.Parse error text, which Coder puts in the detail. */
function uuidError(value: string): string {
  return [32, 36, 38, 45].includes(value.length) ? 'invalid UUID format' : `invalid UUID length: ${value.length}`;
}

/**
 * Parses `organization`, `has_member`, `group_ids` (comma-separated, repeatable, as Coder's
 * ParseCustomList), and the page (`limit`, `offset`). With `strict`, other parameters are errors, as Coder's ErrorExcessParams on
 * `/groups`; the organization route stays lenient for 2023 clients.
 */
export function parseGroupListQuery(query: Record<string, unknown>, strict: boolean): RawGroupListQuery {
  const parser = new QueryParser(query);
  const organization = parser.string('organization') || undefined;
  const hasMember = parser.string('has_member') || undefined;
  const limit = parser.integer('limit', 0, 0, MAX_PAGE_SIZE);
  const page: GroupPage = {
    limit: limit === 0 ? undefined : limit,
    offset: parser.integer('offset', 0, 0, 1_000_000_000),
  };
  const raw = query.group_ids;
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
    .flatMap((v) => (typeof v === 'string' && v !== '' ? v.split(',') : []))
    .map((v) => v.trim());
  const bad = values.filter((v) => !isUuid(v));
  if (bad.length > 0) {
    parser.validations.push({
      field: 'group_ids',
      detail: `Query param "group_ids" has invalid values: ${bad.map(uuidError).join('\n')}`,
    });
  }
  if (strict) {
    for (const key of Object.keys(query)) {
      if (!(GROUP_LIST_PARAMS as readonly string[]).includes(key))
        parser.validations.push({ field: key, detail: `"${key}" is not a valid query param` });
    }
  }
  parser.done();
  return { organization, hasMember, groupIds: bad.length > 0 ? [] : values.map((v) => v.toLowerCase()), page };
}

/** Coder's ParseCustom detail for a name that does not resolve. */
export function notFoundValidation(param: 'organization' | 'has_member', value: string): ValidationEntry {
  const what = param === 'organization' ? 'organization' : 'user';
  return { field: param, detail: `Query param "${param}" has invalid value: ${what} "${value}" not found` };
}

/** `?exclude_members=` (Go's strconv.ParseBool spellings); anything else is a 400 here. */
export function parseExcludeMembers(query: Record<string, unknown>): boolean {
  const parser = new QueryParser(query);
  const exclude = parser.boolean('exclude_members');
  parser.done();
  return exclude;
}

/** Re-labels the user search's 400 with Coder's message for the member routes. */
export function asMemberSearchError(err: unknown): unknown {
  const body = (err as Partial<ApiError>).body;
  if (body?.validations && body.message === 'Invalid user search query.') return invalidMemberSearch(body.validations);
  return err;
}

/**
 * Where the caller may see groups, for the list's SQL: everywhere (site-wide group readers), or
 * the organizations where it reads every group plus its own groups (Everyone included). The rows
 * are still checked one by one with canReadGroup (src/core/groups/groups.params.ts).
 */
export function groupScopeOf(actor: Actor): GroupScope {
  if (can(actor, 'read', { type: 'group' })) return { all: true };
  const organizationIds = [...actor.orgRoles.keys()].filter((orgId) => can(actor, 'read', { type: 'group', orgId }));
  return { all: false, organizationIds, groupIds: actor.groupIds };
}
