import { badRequest, type ValidationEntry } from '../../common/errors.js';
import { splitSearchQuery } from '../../common/query.js';

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
}

const KEYS = new Set(['owner', 'template', 'name', 'status']);

/**
 * `GET /workspaces?q=` as Coder's searchquery.Workspaces: `owner:`, `template:`, `name:`,
 * `status:`; a bare word is a name, `owner/name` both. Errors are 400 `Invalid workspace search query.`
 */
export function parseWorkspaceSearch(q: string | undefined): WorkspaceFilter {
  const filter: WorkspaceFilter = {};
  if (!q || q.trim() === '') return filter;
  const problems: ValidationEntry[] = [];
  const seen = new Map<string, number>();
  const set = (key: string, value: string) => {
    seen.set(key, (seen.get(key) ?? 0) + 1);
    if (!KEYS.has(key)) problems.push({ field: 'q', detail: `Query param "${key}" is not a valid query param` });
    else if (key === 'status' && !(WORKSPACE_STATUSES as readonly string[]).includes(value)) {
      const detail = `Query param "status" has invalid value "${value}": must be one of ${WORKSPACE_STATUSES.join(', ')}`;
      problems.push({ field: 'status', detail });
    } else filter[key as keyof WorkspaceFilter] = value as WorkspaceStatus;
  };
  for (const term of splitSearchQuery(q)) {
    if (term.includes(':')) {
      if (term.startsWith(':') || term.endsWith(':')) {
        problems.push({ field: 'q', detail: `Query element "${term}" cannot start or end with ':'` });
        continue;
      }
      const parts = term.split(':');
      if (parts.length > 2) {
        problems.push({ field: 'q', detail: `Query element "${term}" can only contain 1 ':'` });
        continue;
      }
      set(parts[0], parts[1]);
      continue;
    }
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
    if (n > 1) problems.push({ field: 'q', detail: `Query parameter "${key}" provided more than once, found ${n} times` });
  }
  if (problems.length > 0) throw badRequest('Invalid workspace search query.', undefined, problems);
  return filter;
}
