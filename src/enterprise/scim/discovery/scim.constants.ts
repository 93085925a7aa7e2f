/** URNs of RFC 7643/7644 (and the one extension identity providers send that we accept and ignore). */
export const SCHEMA = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Where the same handlers are mounted: Coder's real mount (given to identity providers) and the API page's. */
export const SCIM_MOUNTS = ['scim/v2', 'api/v2/scim/v2'] as const;

/**
 * Routes served outside the `/api/v2` global prefix (app.factory excludes them): both mounts are
 * literal paths, so `/api/v2/scim/v2` is not prefixed a second time.
 */
export const SCIM_UNPREFIXED_ROUTES = SCIM_MOUNTS.flatMap((mount) => [mount, `${mount}/{*path}`]);

/** True for a request path under either SCIM mount (used before routing, e.g. for body errors). */
export function isScimPath(path: string): boolean {
  return /^\/(api\/v2\/)?scim\/v2(\/|$|\?)/.test(path);
}

export const LIMITS = {
  /** Largest page (`count`) and ServiceProviderConfig `filter.maxResults`. */
  maxResults: 200,
  /** Filters: characters, nesting depth and comparisons. */
  filterLength: 4096,
  filterDepth: 16,
  filterTerms: 64,
  /** PATCH: operations per request. */
  maxOperations: 1000,
  /** Members a single group write may add (the 1 MiB body limit bounds it first in practice). */
  maxMembers: 10_000,
  userName: 255,
  externalId: 255,
  email: 320,
  personName: 128,
  emailType: 64,
  groupDisplayName: 255,
} as const;
