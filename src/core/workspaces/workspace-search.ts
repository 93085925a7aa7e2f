import { badRequest, type ValidationEntry } from '../../common/errors.js';
import { searchTerms } from '../../common/query.js';

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
  /** Coder's current keys. `id`: only these workspaces. */
  ids?: string[];
  /** An organization id or name, resolved (and refused when unknown) by the caller. */
  organization?: string;
  /** `outdated:true`: the latest build is not on the template's active version; `false`: it is. */
  outdated?: boolean;
  /**
   * Conditions no workspace here can meet (no dormancy, sharing, AI tasks, external agents or
   * agents): `dormant:true`, `shared:true`, `shared_with_user:`, `shared_with_group:`,
   * `has-ai-task:true`, `has_external_agent:true`, `healthy:` either way.
   */
  matchesNone?: boolean;
  /** `param:<name>`: the workspace has a value for the parameter (name case-insensitive, ILIKE). */
  hasParams?: string[];
  /** `param:<name>=<value>`: any of these pairs (case-insensitive) is the workspace's current value. */
  paramValues?: { name: string; value: string }[];
  /** Only dormant workspaces due for deletion by this day. */
  deletingBy?: Date;
}

type TextKey = 'owner' | 'template' | 'name' | 'status';
const TEXT_KEYS = new Set<string>(['owner', 'template', 'name', 'status', 'has-agent']);
/** Coder's current boolean keys (Go's strconv.ParseBool), and whether `true` / `false` can match here. */
const BOOL_KEYS: Record<string, { whenTrue: 'none' | 'all' | 'outdated'; whenFalse: 'none' | 'all' | 'outdated' }> = {
  dormant: { whenTrue: 'none', whenFalse: 'all' },
  outdated: { whenTrue: 'outdated', whenFalse: 'outdated' },
  shared: { whenTrue: 'none', whenFalse: 'all' },
  'has-ai-task': { whenTrue: 'none', whenFalse: 'all' },
  has_external_agent: { whenTrue: 'none', whenFalse: 'all' },
  healthy: { whenTrue: 'none', whenFalse: 'none' },
};
const BOOLEANS: Record<string, boolean> = { '1': true, t: true, true: true, '0': false, f: false, false: false };
/** Keys that may repeat (Coder's ParseCustomList: repeated or comma-separated). */
const LIST_KEYS = new Set<string>(['id', 'param']);
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
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
 * `GET /workspaces?q=` as Coder's searchquery.Workspaces, both eras: `owner:`, `template:`,
 * `name:`, `status:`, `has-agent:`, `last_used_after:` and `last_used_before:` (RFC 3339); the
 * 2023 `dormant_at:` and `deleting_by:` (days; the 2023 landing page sends `dormant_at:1970-01-01`);
 * the current `id:`, `organization:`, `outdated:`, `dormant:`, `shared:`, `shared_with_user:`,
 * `shared_with_group:`, `has-ai-task:`, `has_external_agent:`, `healthy:` and `param:` (the current
 * dashboard's presets send `dormant:true`, `outdated:true`, `shared:true`). A bare word is a name,
 * `owner/name` both. Errors are 400 `Invalid workspace search query.`.
 */
export function parseWorkspaceSearch(q: string | undefined): WorkspaceFilter {
  const filter: WorkspaceFilter = {};
  if (!q || q.trim() === '') return filter;
  const problems: ValidationEntry[] = [];
  const seen = new Map<string, number>();
  const set = (key: string, value: string) => {
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const time = TIME_KEYS[key];
    const bool = BOOL_KEYS[key];
    if (bool) {
      if (!(value in BOOLEANS)) {
        problems.push({
          field: key,
          detail: `Query param "${key}" must be a valid boolean: strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`,
        });
        return;
      }
      const effect = BOOLEANS[value] ? bool.whenTrue : bool.whenFalse;
      if (effect === 'none') filter.matchesNone = true;
      if (effect === 'outdated') filter.outdated = BOOLEANS[value];
    } else if (key === 'id') {
      const values = value.split(',').map((v) => v.trim());
      const bad = values.filter((v) => !UUID_RE.test(v));
      if (bad.length > 0)
        problems.push({
          field: key,
          detail: `Query param "id" has invalid values: invalid UUID ${JSON.stringify(bad[0])}`,
        });
      else filter.ids = [...(filter.ids ?? []), ...values];
    } else if (key === 'param') {
      for (const raw of value.split(',')) {
        const v = raw.trim();
        const parts = v.split('=');
        if (parts.length === 1) (filter.hasParams ??= []).push(parts[0]);
        else if (parts.length === 2 && parts[1] === '')
          problems.push({
            field: key,
            detail: `Query param "param" has invalid values: query element ${JSON.stringify(v)} has an empty value. omit the '=' to match just on the parameter name`,
          });
        else if (parts.length === 2) (filter.paramValues ??= []).push({ name: parts[0], value: parts[1] });
        else
          problems.push({
            field: key,
            detail: `Query param "param" has invalid values: query element ${JSON.stringify(v)} can only contain 1 '='`,
          });
      }
    } else if (key === 'organization') {
      filter.organization = value;
    } else if (key === 'shared_with_user' || key === 'shared_with_group') {
      // No workspace here is shared (Coder's workspace ACLs are not served).
      filter.matchesNone = true;
    } else if (time) {
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
  // RFC 3339 time (`last_used_after:"2026-01-02T03:04:05Z"`) stays one value. A bare word is a
  // name, `owner/name` both.
  const terms = searchTerms(q, (term) => {
    const parts = term.split('/');
    if (parts.length > 2 || parts.some((p) => p === '')) return `Query element "${term}" can only contain 1 '/'`;
    return parts.length === 2
      ? [
          ['owner', parts[0]],
          ['name', parts[1]],
        ]
      : [['name', term]];
  });
  problems.push(...terms.problems);
  for (const [key, value] of terms.pairs) set(key, value);
  for (const [key, n] of seen) {
    if (n > 1 && !LIST_KEYS.has(key))
      problems.push({ field: 'q', detail: `Query parameter "${key}" provided more than once, found ${n} times` });
  }
  if (problems.length > 0) throw badRequest('Invalid workspace search query.', undefined, problems);
  return filter;
}
