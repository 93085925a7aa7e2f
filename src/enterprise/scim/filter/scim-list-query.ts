import { LIMITS, SCHEMA } from '../discovery/scim.constants.js';
import type { ResourceSchema } from '../discovery/scim-schema.js';
import { getKey, isPlainObject } from '../http/scim-json.js';
import { describe, FilterError, invalidFilter, invalidSyntax, invalidValue } from '../http/scim.errors.js';
import { parseFilter, type FilterNode } from './scim-filter.js';
import { parseAttributeList, type Projection } from './scim-projection.js';

/** A list request (GET with query parameters, or POST `.search`), validated. */
export interface ListQuery {
  filter?: FilterNode;
  /** 1-based. */
  startIndex: number;
  count: number;
  projection: Projection;
}

const MAX_START_INDEX = 2_147_483_647;

function integer(name: string, raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string' && /^\s*[+-]?\d{1,20}\s*$/.test(raw)) return Number(raw);
  throw invalidValue(`${name} must be an integer, not ${describe(raw)}.`);
}

function attributeList(name: string, raw: unknown, schema: ResourceSchema): string[] | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return parseAttributeList(raw, schema);
  if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) return parseAttributeList(raw, schema);
  throw invalidValue(`${name} must be a comma-separated string or an array of strings.`);
}

/** `attributes` / `excludedAttributes` of any request (also POST, PUT, PATCH responses). */
export function parseProjection(source: Record<string, unknown>, schema: ResourceSchema): Projection {
  return {
    include: attributeList('attributes', getKey(source, 'attributes'), schema),
    exclude: attributeList('excludedAttributes', getKey(source, 'excludedAttributes'), schema) ?? [],
  };
}

export function parseFilterParam(raw: unknown): FilterNode | undefined {
  const text = raw === undefined ? undefined : typeof raw === 'string' ? raw : null;
  if (text === null) throw invalidFilter('filter must be given once, as a string.');
  if (text === undefined) return undefined;
  try {
    return parseFilter(text);
  } catch (err) {
    if (err instanceof FilterError) throw invalidFilter(err.message);
    throw err;
  }
}

/**
 * RFC 7644 §3.4.2.4: `startIndex` below 1 counts as 1, a negative `count` as 0, and `count` is
 * capped at the server's maximum. Sorting is not supported (ServiceProviderConfig says so), so
 * `sortBy`/`sortOrder` are ignored and the order is always the stable creation order.
 */
export function parseListQuery(source: Record<string, unknown>, schema: ResourceSchema): ListQuery {
  const startIndex = integer('startIndex', getKey(source, 'startIndex'));
  const count = integer('count', getKey(source, 'count'));
  return {
    filter: parseFilterParam(getKey(source, 'filter')),
    startIndex: Math.min(Math.max(startIndex ?? 1, 1), MAX_START_INDEX),
    count: Math.min(Math.max(count ?? LIMITS.maxResults, 0), LIMITS.maxResults),
    projection: parseProjection(source, schema),
  };
}

/** POST `/.search` (RFC 7644 §3.4.3): the same parameters in a SearchRequest body. */
export function parseSearchRequest(body: unknown, schema: ResourceSchema): ListQuery {
  if (!isPlainObject(body)) throw invalidSyntax('The request body must be a JSON object (a SearchRequest message).');
  const schemas = getKey(body, 'schemas');
  if (
    schemas !== undefined &&
    !(
      Array.isArray(schemas) &&
      schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA.searchRequest.toLowerCase())
    )
  ) {
    throw invalidSyntax(`schemas must contain "${SCHEMA.searchRequest}".`);
  }
  return parseListQuery(body, schema);
}
