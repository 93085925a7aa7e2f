import { badRequest, type ValidationEntry } from '../../common/errors.js';
import { splitSearchQuery } from '../../common/query.js';
import { LOGIN_TYPES, type LoginType, USER_STATUSES, type UserStatus } from '../users/entities/user.entity.js';

export interface UserFilter {
  search?: string;
  /** Part of the display name (Coder's `name:`). */
  name?: string;
  statuses?: UserStatus[];
  roles?: string[];
  loginTypes?: LoginType[];
  /** Coder's `github_com_user_id:` (non-zero); no user here has one, so it matches nobody. */
  githubComUserId?: string;
  /** Coder's `service_account:`; this server has no service accounts (their creation is refused). */
  isServiceAccount?: boolean;
  lastSeenAfter?: Date;
  lastSeenBefore?: Date;
  createdAfter?: Date;
  createdBefore?: Date;
}

const DATE_KEYS = ['last_seen_after', 'last_seen_before', 'created_after', 'created_before'] as const;
const KEYS = new Set<string>([
  'search',
  'name',
  'status',
  'role',
  'login_type',
  'github_com_user_id',
  'service_account',
  ...DATE_KEYS,
]);
/** Go's strconv.ParseBool. */
const BOOLEANS: Record<string, boolean> = { '1': true, t: true, true: true, '0': false, f: false, false: false };

/**
 * Parses `GET /users?q=` as Coder's searchquery.Users does: bare words search usernames and
 * emails; `name:`, `status:active,suspended`, `role:owner`, `login_type:oidc,password`,
 * `github_com_user_id:`, `service_account:true`, `last_seen_after:<RFC 3339>`, and so on. The
 * query is read lowercased, as Coder reads it.
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
    case 'name':
      filter.name = value;
      return;
    case 'login_type': {
      const values = value.split(',').filter(Boolean);
      const bad = values.filter((v) => !(LOGIN_TYPES as readonly string[]).includes(v));
      if (bad.length > 0)
        problems.push({ field: 'login_type', detail: `Query param "login_type" has invalid values: ${bad.join(',')}` });
      else filter.loginTypes = values as LoginType[];
      return;
    }
    case 'github_com_user_id':
      if (!/^[+-]?\d+$/.test(value) || BigInt(value) > 2n ** 63n - 1n || BigInt(value) < -(2n ** 63n)) {
        problems.push({
          field: key,
          detail: `Query param "${key}" must be a valid 64-bit integer: strconv.ParseInt: parsing ${JSON.stringify(value)}: ${/^[+-]?\d+$/.test(value) ? 'value out of range' : 'invalid syntax'}`,
        });
      } else if (BigInt(value) !== 0n) filter.githubComUserId = BigInt(value).toString();
      return;
    case 'service_account':
      if (value in BOOLEANS) filter.isServiceAccount = BOOLEANS[value];
      else
        problems.push({
          field: key,
          detail: `Query param "${key}" must be a valid boolean: strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`,
        });
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

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The filter's conditions on the user aliased `u`, as Coder's GetUsers applies them; `param`
 * binds a value and answers its placeholder. The one place each route's user search becomes SQL
 * (users, organization members, group members).
 */
export function userFilterConditions(filter: UserFilter, param: (value: unknown) => string): string[] {
  const where: string[] = [];
  if (filter.search) {
    const p = param(`%${escapeLike(filter.search)}%`);
    where.push(`(u.username ILIKE ${p} ESCAPE '\\' OR u.email ILIKE ${p} ESCAPE '\\')`);
  }
  if (filter.name) where.push(`u.name ILIKE ${param(`%${escapeLike(filter.name)}%`)} ESCAPE '\\'`);
  if (filter.statuses?.length) where.push(`u.status::text = ANY(CAST(${param(filter.statuses)} AS text[]))`);
  if (filter.roles?.length && !filter.roles.includes('member'))
    where.push(`u.rbac_roles && CAST(${param(filter.roles)} AS text[])`);
  if (filter.loginTypes?.length) where.push(`u.login_type::text = ANY(CAST(${param(filter.loginTypes)} AS text[]))`);
  // No user here has a GitHub id or is a service account.
  if (filter.githubComUserId !== undefined || filter.isServiceAccount === true) where.push('false');
  if (filter.lastSeenAfter) where.push(`u.last_seen_at > ${param(filter.lastSeenAfter)}`);
  if (filter.lastSeenBefore) where.push(`u.last_seen_at < ${param(filter.lastSeenBefore)}`);
  if (filter.createdAfter) where.push(`u.created_at > ${param(filter.createdAfter)}`);
  if (filter.createdBefore) where.push(`u.created_at < ${param(filter.createdBefore)}`);
  return where;
}
