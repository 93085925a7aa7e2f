import { isUuid, validationFailed, type ValidationEntry } from '../../common/errors.js';
import type { Actor } from '../rbac/actor.js';
import { ACTIONS, RESOURCES, type Action, type Resource } from '../rbac/permissions.js';
import { can } from '../rbac/policy.js';
import {
  resourceIdNotUuid,
  resourceIdUnsupported,
  resourceTypeMissing,
  tooManyResourceIds,
} from './authcheck.errors.js';

/** Coder caps the checks that load a row, so one request cannot turn into many lookups. */
export const MAX_RESOURCE_ID_CHECKS = 10;

/** Types whose rows `resource_id` may name (Coder's checkAuthorization, 2024 on). */
export const ROW_TYPES = ['workspace', 'template', 'user', 'group'] as const;
export type RowType = (typeof ROW_TYPES)[number];

/** One check as sent, with Go's zero values for what was left out. */
export interface AuthCheck {
  key: string;
  resourceType: string;
  action: string;
  ownerId: string;
  organizationId: string;
  resourceId: string;
  anyOrg: boolean;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads one field the way Go's decoder does: absent or null = zero value, a wrong JSON type = a validation. */
function field<T>(
  source: Json,
  name: string,
  path: string,
  type: 'string' | 'boolean',
  zero: T,
  bad: ValidationEntry[],
): T {
  const value = source[name];
  if (value === undefined || value === null) return zero;
  if (typeof value === type) return value as T;
  bad.push({ field: `${path}.${name}`, detail: `${path}.${name} must be a ${type}` });
  return zero;
}

function readCheck(key: string, raw: unknown, bad: ValidationEntry[]): AuthCheck {
  const path = `checks.${key}`;
  const check: Json = raw === null || raw === undefined ? {} : isObject(raw) ? raw : {};
  if (raw !== null && raw !== undefined && !isObject(raw))
    bad.push({ field: path, detail: `${path} must be an object` });
  let object: Json = {};
  if (isObject(check.object)) object = check.object;
  else if (check.object !== undefined && check.object !== null)
    bad.push({ field: `${path}.object`, detail: `${path}.object must be an object` });
  const at = `${path}.object`;
  return {
    key,
    resourceType: field(object, 'resource_type', at, 'string', '', bad),
    ownerId: field(object, 'owner_id', at, 'string', '', bad),
    organizationId: field(object, 'organization_id', at, 'string', '', bad),
    resourceId: field(object, 'resource_id', at, 'string', '', bad),
    anyOrg: field(object, 'any_org', at, 'boolean', false, bad),
    action: field(check, 'action', path, 'string', '', bad),
  };
}

/**
 * The request's checks, in key order, or Coder's 400s: wrong JSON types (one validation per
 * field), more than 10 `resource_id`s, an empty `resource_type`, a `resource_id` that is not a
 * UUID or names a type without rows. All of it before any row is loaded.
 */
export function parseChecks(checks: Record<string, unknown> | undefined): AuthCheck[] {
  const bad: ValidationEntry[] = [];
  const parsed = Object.keys(checks ?? {})
    .sort()
    .map((key) => readCheck(key, checks?.[key], bad));
  if (bad.length > 0) throw validationFailed(bad);
  const withId = parsed.filter((c) => c.resourceId !== '').length;
  if (withId > MAX_RESOURCE_ID_CHECKS) throw tooManyResourceIds(MAX_RESOURCE_ID_CHECKS, withId);
  for (const c of parsed) {
    if (c.resourceType === '') throw resourceTypeMissing(c.key);
    if (c.resourceId === '') continue;
    if (!isUuid(c.resourceId)) throw resourceIdNotUuid(c.resourceId);
    if (!isRowType(c.resourceType)) throw resourceIdUnsupported(c.resourceType);
  }
  return parsed;
}

export function isRowType(type: string): type is RowType {
  return (ROW_TYPES as readonly string[]).includes(type);
}

/** A resource type and action the policy knows, or undefined: unknown strings are never allowed, even to owners. */
export function knownTerms(
  check: Pick<AuthCheck, 'resourceType' | 'action'>,
): { type: Resource; action: Action } | undefined {
  if (!(RESOURCES as readonly string[]).includes(check.resourceType)) return undefined;
  if (!(ACTIONS as readonly string[]).includes(check.action)) return undefined;
  return { type: check.resourceType as Resource, action: check.action as Action };
}

/**
 * A check built from the request's fields (no `resource_id`), decided by the one RBAC policy.
 * `owner_id: "me"` is the caller; other ids are compared as given (lower-cased). Such objects
 * carry no template ACL, as in Coder: ACLs count only for rows named by `resource_id`.
 */
export function decideFields(actor: Actor, check: AuthCheck): boolean {
  const terms = knownTerms(check);
  if (!terms) return false;
  const ownerId = check.ownerId === 'me' ? actor.id : check.ownerId.toLowerCase() || undefined;
  const orgId = check.organizationId.toLowerCase() || undefined;
  if (check.anyOrg) {
    // Coder refuses an object that names an organization and asks about any organization.
    if (orgId) return false;
    if (can(actor, terms.action, { type: terms.type })) return true;
    return [...actor.orgRoles.keys()].some((id) => can(actor, terms.action, { type: terms.type, orgId: id, ownerId }));
  }
  return can(actor, terms.action, { type: terms.type, orgId, ownerId });
}
