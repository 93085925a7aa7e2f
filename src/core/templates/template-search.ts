import { badRequest, isUuid, type ValidationEntry } from '../../common/errors.js';
import { searchTerms } from '../../common/query.js';

/** `GET /templates?q=` as Coder's searchquery.Templates reads it. */
export interface TemplateFilter {
  /** Deleted templates instead of live ones (`deleted:true`). */
  deleted: boolean;
  /** An organization id or name, resolved (and refused when unknown) by the caller. */
  organization?: string;
  exactName?: string;
  exactDisplayName?: string;
  /** Part of the name. */
  name?: string;
  /** Part of the display name (of the name, spaces removed, when it has none); bare words. */
  displayName?: string;
  ids?: string[];
  /** Coder lists only templates that are not deprecated unless `deprecated:` says otherwise. */
  deprecated: boolean;
  /** `author:` (a username; `me` is the caller) or `author_id:`. */
  author?: string;
  authorId?: string;
  /** `has-ai-task:true` / `has_external_agent:true`: no template here has either. */
  matchesNone?: boolean;
}

const KEYS = new Set([
  'deleted',
  'organization',
  'exact_name',
  'exact_display_name',
  'name',
  'display_name',
  'ids',
  'deprecated',
  'has-ai-task',
  'author_id',
  'author',
  'has_external_agent',
]);
/** Go's strconv.ParseBool. */
const BOOLEANS: Record<string, boolean> = { '1': true, t: true, true: true, '0': false, f: false, false: false };

/**
 * Parses `q` as Coder's searchquery.Templates: lower-cased, space separated (double quotes
 * group), bare words are `display_name`, `key:value` otherwise; the keys above, each at most once
 * (`ids` may repeat). Any problem: 400 `Invalid template search query.` with Coder's messages.
 */
export function parseTemplateSearch(q: string | undefined): TemplateFilter {
  const filter: TemplateFilter = { deleted: false, deprecated: false };
  if (!q || q.trim() === '') return filter;
  const { pairs, problems } = searchTerms(q, (term) => [['display_name', term]]);
  const values = new Map<string, string[]>();
  for (const [key, value] of pairs) values.set(key, [...(values.get(key) ?? []), value]);
  for (const [key, list] of values) {
    if (!KEYS.has(key)) {
      problems.push({ field: key, detail: `Query param "${key}" is not a valid query param` });
      continue;
    }
    if (list.length > 1 && key !== 'ids') {
      problems.push({
        field: 'q',
        detail: `Query parameter "${key}" provided more than once, found ${list.length} times`,
      });
      continue;
    }
    apply(filter, key, list, problems);
  }
  if (problems.length > 0) throw badRequest('Invalid template search query.', undefined, problems);
  return filter;
}

function apply(filter: TemplateFilter, key: string, list: string[], problems: ValidationEntry[]): void {
  const value = list[0];
  const bool = (): boolean | undefined => {
    if (value in BOOLEANS) return BOOLEANS[value];
    problems.push({
      field: key,
      detail: `Query param "${key}" must be a valid boolean: strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`,
    });
    return undefined;
  };
  switch (key) {
    case 'deleted':
      filter.deleted = bool() ?? false;
      return;
    case 'deprecated':
      filter.deprecated = bool() ?? false;
      return;
    case 'has-ai-task':
    case 'has_external_agent':
      if (bool()) filter.matchesNone = true;
      return;
    case 'organization':
      filter.organization = value;
      return;
    case 'exact_name':
      filter.exactName = value;
      return;
    case 'exact_display_name':
      filter.exactDisplayName = value;
      return;
    case 'name':
      filter.name = value;
      return;
    case 'display_name':
      filter.displayName = value;
      return;
    case 'author':
      filter.author = value;
      return;
    case 'author_id':
      if (isUuid(value)) filter.authorId = value.toLowerCase();
      else problems.push({ field: key, detail: `Query param "${key}" must be a valid uuid` });
      return;
    case 'ids': {
      const ids = list.flatMap((v) => v.split(',')).map((v) => v.trim());
      const bad = ids.find((id) => !isUuid(id));
      if (bad !== undefined)
        problems.push({
          field: key,
          detail: `Query param "ids" has invalid values: invalid UUID ${JSON.stringify(bad)}`,
        });
      else filter.ids = ids.map((id) => id.toLowerCase());
    }
  }
}
