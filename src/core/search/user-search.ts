import { badRequest, type ValidationEntry } from '../../common/errors.js';
import { splitSearchQuery } from '../../common/query.js';
import { USER_STATUSES, type UserStatus } from '../users/entities/user.entity.js';

export interface UserFilter {
  search?: string;
  statuses?: UserStatus[];
  roles?: string[];
  lastSeenAfter?: Date;
  lastSeenBefore?: Date;
  createdAfter?: Date;
  createdBefore?: Date;
}

const DATE_KEYS = ['last_seen_after', 'last_seen_before', 'created_after', 'created_before'] as const;
const KEYS = new Set<string>(['search', 'status', 'role', ...DATE_KEYS]);

/**
 * Parses `GET /users?q=` as Coder's searchquery.Users does: bare words search usernames and
 * emails; `status:active,suspended`, `role:owner`, `last_seen_after:<RFC 3339>`, and so on.
 */
export function parseUserSearch(q: string | undefined): UserFilter {
  const filter: UserFilter = {};
  if (!q || q.trim() === '') return filter;
  const problems: ValidationEntry[] = [];
  const seen = new Map<string, number>();
  const words: string[] = [];
  for (const term of splitSearchQuery(q)) {
    if (!term.includes(':')) {
      words.push(term);
      continue;
    }
    if (term.startsWith(':') || term.endsWith(':')) {
      problems.push({ field: 'q', detail: `Query element "${term}" cannot start or end with ':'` });
      continue;
    }
    const parts = term.split(':');
    if (parts.length > 2 && !DATE_KEYS.includes(parts[0] as (typeof DATE_KEYS)[number])) {
      problems.push({ field: 'q', detail: `Query element "${term}" can only contain 1 ':'` });
      continue;
    }
    const key = parts[0];
    const value = parts.slice(1).join(':');
    seen.set(key, (seen.get(key) ?? 0) + 1);
    if (!KEYS.has(key)) {
      problems.push({ field: key, detail: `Query param "${key}" is not a valid query param` });
      continue;
    }
    applyTerm(filter, key, value, problems, words);
  }
  for (const [key, n] of seen) {
    if (n > 1)
      problems.push({ field: 'q', detail: `Query parameter "${key}" provided more than once, found ${n} times` });
  }
  if (words.length > 0) filter.search = [filter.search, ...words].filter(Boolean).join(' ');
  if (problems.length > 0) throw badRequest('Invalid user search query.', undefined, problems);
  return filter;
}

function applyTerm(filter: UserFilter, key: string, value: string, problems: ValidationEntry[], words: string[]) {
  switch (key) {
    case 'search':
      words.push(value);
      return;
    case 'status': {
      const values = value.split(',').filter(Boolean);
      const bad = values.filter((v) => !(USER_STATUSES as readonly string[]).includes(v));
      if (bad.length > 0)
        problems.push({ field: 'status', detail: `Query param "status" has invalid values: ${bad.join(',')}` });
      else filter.statuses = values as UserStatus[];
      return;
    }
    case 'role':
      filter.roles = value.split(',').filter(Boolean);
      return;
    default: {
      const date = new Date(value.toUpperCase());
      if (!/^\d{4}-\d{2}-\d{2}T/i.test(value) || Number.isNaN(date.getTime())) {
        problems.push({
          field: key,
          detail: `Query param "${key}" must be a valid date format (2006-01-02T15:04:05.999999999Z07:00)`,
        });
        return;
      }
      const prop = (
        {
          last_seen_after: 'lastSeenAfter',
          last_seen_before: 'lastSeenBefore',
          created_after: 'createdAfter',
          created_before: 'createdBefore',
        } as const
      )[key as (typeof DATE_KEYS)[number]];
      filter[prop] = date;
    }
  }
}
