import { badRequest, type ValidationEntry } from '../../common/errors.js';
import { splitOutsideQuotes, splitSearchQuery } from '../../common/query.js';

export const WORKSPACE_STATUSES = [
  'pending',
  'starting',
  'running',
  'stopping',
  'stopped',
  'failed',
  'canceling',
  'canceled',
  'deleting',
  'deleted',
] as const;
export type WorkspaceStatus = (typeof WORKSPACE_STATUSES)[number];

export interface WorkspaceFilter {
  /** A username, or `me` (the caller). */
  owner?: string;
  template?: string;
  /** Part of the workspace name. */
  name?: string;
  status?: WorkspaceStatus;
  /** Only workspaces with an agent in this state (none here: this server runs no workspace agents). */
  hasAgent?: string;
  /** Only workspaces dormant since this day; absent = only workspaces that are not dormant. */
  dormantAt?: Date;
  lastUsedAfter?: Date;
  lastUsedBefore?: Date;
  /** Only dormant workspaces due for deletion by this day. */
  deletingBy?: Date;
}

type TextKey = 'owner' | 'template' | 'name' | 'status';
const TEXT_KEYS = new Set<string>(['owner', 'template', 'name', 'status', 'has-agent']);
/** Time keys and their Go layouts, as Coder's searchquery.Workspaces parses them. */
const TIME_KEYS: Record<
  string,
  { layout: string; field: 'dormantAt' | 'lastUsedAfter' | 'lastUsedBefore' | 'deletingBy' }
> = {
  dormant_at: { layout: '2006-01-02', field: 'dormantAt' },
  deleting_by: { layout: '2006-01-02', field: 'deletingBy' },
  last_used_after: { layout: '2006-01-02T15:04:05.999999999Z07:00', field: 'lastUsedAfter' },
  last_used_before: { layout: '2006-01-02T15:04:05.999999999Z07:00', field: 'lastUsedBefore' },
};
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** A `2006-01-02` day (UTC midnight) or an RFC 3339 time; undefined when malformed or impossible. */
function parseTime(value: string, dayOnly: boolean): Date | undefined {
  const day = DAY_RE.exec(value);
  if (dayOnly) {
    if (!day) return undefined;
    const date = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    return date.toISOString().slice(0, 10) === value ? date : undefined;
  }
  const upper = value.toUpperCase();
  if (!RFC3339_RE.test(upper)) return undefined;
  const date = new Date(upper);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * `GET /workspaces?q=` as Coder's searchquery.Workspaces: `owner:`, `template:`, `name:`,
 * `status:`, `has-agent:`, `dormant_at:` and `deleting_by:` (days), `last_used_after:` and
 * `last_used_before:` (RFC 3339); a bare word is a name, `owner/name` both. Errors are 400
 * `Invalid workspace search query.` (the dashboard's landing page sends `dormant_at:1970-01-01`).
 */
export function parseWorkspaceSearch(q: string | undefined): WorkspaceFilter {
  const filter: WorkspaceFilter = {};
  if (!q || q.trim() === '') return filter;
  const problems: ValidationEntry[] = [];
  const seen = new Map<string, number>();
  const set = (key: string, value: string) => {
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const time = TIME_KEYS[key];
    if (time) {
      const parsed = parseTime(value, time.layout.length === 10);
      if (parsed) filter[time.field] = parsed;
      else
        problems.push({
          field: key,
          detail: `Query param "${key}" must be a valid date format (${time.layout}): cannot parse "${value}"`,
        });
    } else if (!TEXT_KEYS.has(key))
      problems.push({ field: 'q', detail: `Query param "${key}" is not a valid query param` });
    else if (key === 'status' && !(WORKSPACE_STATUSES as readonly string[]).includes(value)) {
      const detail = `Query param "status" has invalid value "${value}": must be one of ${WORKSPACE_STATUSES.join(', ')}`;
      problems.push({ field: 'status', detail });
    } else if (key === 'has-agent') filter.hasAgent = value;
    else filter[key as TextKey] = value as WorkspaceStatus;
  };
  // Two passes as in Coder: split on spaces keeping quotes, then on `:` outside quotes, so a quoted
  // RFC 3339 time (`last_used_after:"2026-01-02T03:04:05Z"`) stays one value.
  for (const element of splitSearchQuery(q, true)) {
    if (element.startsWith(':') || element.endsWith(':')) {
      problems.push({ field: 'q', detail: `Query element "${element}" cannot start or end with ':'` });
      continue;
    }
    const pair = splitOutsideQuotes(element, /:/).map((part) => part.replace(/^"+|"+$/g, ''));
    if (pair.length > 2) {
      problems.push({ field: 'q', detail: `Query element "${element}" can only contain 1 ':'` });
      continue;
    }
    if (pair.length === 2) {
      set(pair[0], pair[1]);
      continue;
    }
    const term = element.replace(/"/g, '');
    const parts = term.split('/');
    if (parts.length > 2 || parts.some((p) => p === '')) {
      problems.push({ field: 'q', detail: `Query element "${term}" can only contain 1 '/'` });
    } else if (parts.length === 2) {
      set('owner', parts[0]);
      set('name', parts[1]);
    } else {
      set('name', term);
    }
  }
  for (const [key, n] of seen) {
    if (n > 1)
      problems.push({ field: 'q', detail: `Query parameter "${key}" provided more than once, found ${n} times` });
  }
  if (problems.length > 0) throw badRequest('Invalid workspace search query.', undefined, problems);
  return filter;
}
