import type { ApiQueryOptions } from '@nestjs/swagger';

/** The query parameters of the group reads, described once for their routes. */
export const EXCLUDE_MEMBERS_QUERY: ApiQueryOptions[] = [
  {
    name: 'exclude_members',
    required: false,
    type: Boolean,
    description: '`members` is `[]`; `total_member_count` still counts them',
  },
];

export const ORGANIZATION_GROUP_LIST_QUERY: ApiQueryOptions[] = [
  { name: 'has_member', required: false, type: String, description: 'User id, username or `me`' },
  { name: 'group_ids', required: false, type: String, description: 'Comma-separated group ids' },
  {
    name: 'limit',
    required: false,
    type: Number,
    description: 'Page size, at most 1000; absent or 0: every group (as Coder, which has no page here)',
  },
  { name: 'offset', required: false, type: Number, description: 'Groups to skip, in the order of the list' },
];

export const GROUP_LIST_QUERY: ApiQueryOptions[] = [
  { name: 'organization', required: false, type: String, description: 'Organization id or name' },
  ...ORGANIZATION_GROUP_LIST_QUERY,
];

export const MEMBER_PAGE_QUERY: ApiQueryOptions[] = [
  {
    name: 'q',
    required: false,
    type: String,
    description: 'Member search: words, `status:active`, `role:owner`, `last_seen_after:<RFC 3339>`',
  },
  { name: 'limit', required: false, type: Number, description: 'Page size, at most 1000 (0 = 1000)' },
  { name: 'offset', required: false, type: Number },
  { name: 'after_id', required: false, type: String, format: 'uuid', description: 'Members after this user id' },
];
