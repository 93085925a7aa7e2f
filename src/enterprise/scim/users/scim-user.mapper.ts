import { isEmail } from 'class-validator';
import { LIMITS, SCHEMA } from '../discovery/scim.constants.js';
import { USER_SCHEMA } from '../discovery/scim-schema.js';
import { asBoolean, getKey, isPlainObject } from '../http/scim-json.js';
import { optionalBoolean, optionalString, requiredString, weakEtag } from '../http/scim-values.js';
import { describe, invalidSyntax, invalidValue } from '../http/scim.errors.js';
import type { UserStatus } from '../../../core/users/entities/user.entity.js';
import type { PatchRequest } from '../patch/scim-patch-request.js';
import { applyPatch } from '../patch/scim-patch.js';

/** One user as the SCIM queries read it (Coder's row joined with its `scim_users` row, if any). */
export interface ScimUserRow {
  id: string;
  username: string;
  email: string;
  name: string;
  status: UserStatus;
  createdAt: Date;
  updatedAt: Date;
  scimUserName: string | null;
  externalId: string | null;
  givenName: string | null;
  familyName: string | null;
  formattedName: string | null;
  emailType: string | null;
  scimUpdatedAt: Date | null;
}

export interface GroupRef {
  id: string;
  display: string;
}

/** What a POST or PUT body (or a patched resource) says the user should be. */
export interface UserInput {
  userName: string;
  externalId: string | null;
  givenName: string | null;
  familyName: string | null;
  formattedName: string | null;
  displayName: string | null;
  /** Undefined: keep the current email (a PUT without emails; Coder users always have one). */
  email?: { value: string; type: string | null };
  /** Undefined: keep the current status. */
  active?: boolean;
  /** A patched resource: Coder's name is its displayName alone (see coderDisplayName). */
  displayNameOnly?: boolean;
}

export const DEFAULT_EMAIL_TYPE = 'work';

/** The SCIM `userName` of a user: the identity provider's, or the Coder username for users made in Coder. */
export function userNameOf(row: ScimUserRow): string {
  return row.scimUserName ?? row.username;
}

/**
 * Name parts for a user whose identity provider did not give them (every user made in Coder):
 * Coder's `name` split at its last space (given = before, family = after); a one-word name is both;
 * no name at all gives the username for both. Okta's connection test requires both parts on the
 * first listed user, which is always the owner. Keep in step with DERIVED_*_SQL.
 */
export function derivedNameParts(name: string, username: string): { givenName: string; familyName: string } {
  const trimmed = name.replace(/^ +| +$/g, '');
  if (trimmed === '') return { givenName: username, familyName: username };
  const space = trimmed.lastIndexOf(' ');
  if (space < 0) return { givenName: trimmed, familyName: trimmed };
  return { givenName: trimmed.slice(0, space).replace(/ +$/, ''), familyName: trimmed.slice(space + 1) };
}

/** derivedNameParts in SQL, over `users u` (for filters on name.givenName / name.familyName). */
const TRIMMED_NAME_SQL = 'btrim(u.name)';
export const DERIVED_GIVEN_NAME_SQL = `CASE WHEN ${TRIMMED_NAME_SQL} = '' THEN u.username
  WHEN strpos(${TRIMMED_NAME_SQL}, ' ') = 0 THEN ${TRIMMED_NAME_SQL}
  ELSE rtrim(substring(${TRIMMED_NAME_SQL} from '^(.*) [^ ]*$')) END`;
export const DERIVED_FAMILY_NAME_SQL = `CASE WHEN ${TRIMMED_NAME_SQL} = '' THEN u.username
  ELSE substring(${TRIMMED_NAME_SQL} from '([^ ]*)$') END`;

/**
 * The full User resource (before projection); `groups` only when loaded. `derive: false` gives
 * the stored name parts only (what a PATCH is applied to, so derived parts are never stored).
 */
export function toScimUser(
  row: ScimUserRow,
  base: string,
  groups?: GroupRef[],
  derive = true,
): Record<string, unknown> {
  const resource: Record<string, unknown> = { schemas: [SCHEMA.user], id: row.id };
  if (row.externalId !== null) resource.externalId = row.externalId;
  resource.userName = userNameOf(row);
  const derived = derive ? derivedNameParts(row.name, row.username) : undefined;
  const name: Record<string, string> = {};
  if (row.formattedName !== null) name.formatted = row.formattedName;
  const familyName = row.familyName ?? derived?.familyName;
  const givenName = row.givenName ?? derived?.givenName;
  if (familyName !== undefined) name.familyName = familyName;
  if (givenName !== undefined) name.givenName = givenName;
  if (Object.keys(name).length > 0) resource.name = name;
  if (row.name !== '') resource.displayName = row.name;
  resource.emails = [{ value: row.email, type: row.emailType ?? DEFAULT_EMAIL_TYPE, primary: true }];
  // As Coder: only a suspended user is inactive; a dormant one is active (it keeps its access).
  resource.active = row.status !== 'suspended';
  // The version covers what a write to the user can change (not `groups`, changed through /Groups).
  const version = weakEtag(resource);
  if (groups && groups.length > 0) {
    resource.groups = groups.map((g) => ({ value: g.id, $ref: `${base}/Groups/${g.id}`, display: g.display }));
  }
  const lastModified = row.scimUpdatedAt && row.scimUpdatedAt > row.updatedAt ? row.scimUpdatedAt : row.updatedAt;
  resource.meta = {
    resourceType: 'User',
    created: row.createdAt.toISOString(),
    lastModified: lastModified.toISOString(),
    location: `${base}/Users/${row.id}`,
    version,
  };
  return resource;
}

/** `meta.version` of a user, as toScimUser computes it. */
export function userVersion(row: ScimUserRow, base: string): string {
  return (toScimUser(row, base).meta as { version: string }).version;
}

function readEmail(raw: unknown, mode: 'create' | 'replace', userName: string): UserInput['email'] {
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) {
    if (mode === 'replace') return undefined;
    // Coder needs an email; an identity provider's userName is usually one (Entra's UPN, Okta's login).
    if (isEmail(userName)) return { value: userName, type: null };
    throw invalidValue('emails is required: Coder users need an email address (or a userName that is one).');
  }
  const list = Array.isArray(raw) ? raw : [raw];
  const emails = list.map((item, i) => {
    if (!isPlainObject(item)) throw invalidValue(`emails[${i}] must be an object, not ${describe(item)}.`);
    const value = requiredString(`emails[${i}].value`, getKey(item, 'value'), LIMITS.email);
    if (!isEmail(value)) throw invalidValue(`emails[${i}].value ${describe(value)} is not a valid email address.`);
    const type = optionalString(`emails[${i}].type`, getKey(item, 'type'), LIMITS.emailType);
    const primary = optionalBoolean(`emails[${i}].primary`, getKey(item, 'primary')) ?? false;
    return { value, type, primary };
  });
  const primaries = emails.filter((e) => e.primary);
  if (primaries.length > 1) throw invalidValue('At most one email may be primary.');
  const chosen = primaries[0] ?? emails[0];
  return { value: chosen.value, type: chosen.type };
}

/**
 * Reads a User from a POST or PUT body, or a patched resource. Read-only attributes (`id`,
 * `meta`, `groups`) and attributes this server does not store are ignored.
 */
export function readUser(body: unknown, mode: 'create' | 'replace'): UserInput {
  if (!isPlainObject(body)) throw invalidSyntax('The request body must be a JSON object (a User resource).');
  const schemas = getKey(body, 'schemas');
  if (
    schemas !== undefined &&
    !(
      Array.isArray(schemas) &&
      schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA.user.toLowerCase())
    )
  ) {
    throw invalidSyntax(`schemas must contain "${SCHEMA.user}".`);
  }
  const userName = requiredString('userName', getKey(body, 'userName'), LIMITS.userName);
  const rawName = getKey(body, 'name');
  if (rawName !== undefined && rawName !== null && !isPlainObject(rawName))
    throw invalidValue(`name must be an object, not ${describe(rawName)}.`);
  const name = rawName ?? {};
  const active = getKey(body, 'active');
  const input: UserInput = {
    userName,
    externalId: optionalString('externalId', getKey(body, 'externalId'), LIMITS.externalId),
    givenName: optionalString('name.givenName', getKey(name, 'givenName'), LIMITS.personName),
    familyName: optionalString('name.familyName', getKey(name, 'familyName'), LIMITS.personName),
    formattedName: optionalString('name.formatted', getKey(name, 'formatted'), LIMITS.personName),
    displayName: optionalString('displayName', getKey(body, 'displayName'), LIMITS.personName),
    email: readEmail(getKey(body, 'emails'), mode, userName),
  };
  if (active !== undefined && active !== null) {
    const value = asBoolean(active);
    if (value === undefined) throw invalidValue(`active must be a boolean, not ${describe(active)}.`);
    input.active = value;
  } else if (mode === 'create') {
    input.active = true;
  }
  return input;
}

/**
 * Coder's `name` for a user: the display name; on create and PUT without one, the formatted
 * name, else given and family names. For a PATCH (`displayNameOnly`), no display name means no name,
 * so a PATCH that removes `displayName` leaves it unassigned.
 */
export function coderDisplayName(input: UserInput): string {
  if (input.displayNameOnly) return (input.displayName ?? '').slice(0, LIMITS.personName);
  const joined = [input.givenName, input.familyName].filter((p) => p && p.trim()).join(' ');
  return (input.displayName ?? input.formattedName ?? joined).slice(0, LIMITS.personName);
}

/**
 * What a PATCH makes of a user: its operations applied to the stored attributes (name parts
 * derived for display are never written back), read back as a PUT body would be. Coder's legacy
 * body (the whole user) changes `active` only.
 */
export function patchedUser(current: ScimUserRow, request: PatchRequest, base: string): UserInput {
  const doc = toScimUser(current, base, undefined, false);
  delete doc.meta;
  if (request.kind === 'legacy') return { ...readUser(doc, 'replace'), active: request.active, displayNameOnly: true };
  return { ...readUser(applyPatch(doc, request.operations, USER_SCHEMA), 'replace'), displayNameOnly: true };
}

/** The `scim_users` fields `input` describes. */
export function scimFields(input: UserInput) {
  return {
    userName: input.userName,
    externalId: input.externalId,
    givenName: input.givenName,
    familyName: input.familyName,
    formattedName: input.formattedName,
    emailType: input.email?.type ?? null,
  };
}

/** The `scim_users` fields of a user as stored (its username as userName when it has no row). */
export function scimFieldsOf(row: ScimUserRow) {
  return {
    userName: userNameOf(row),
    externalId: row.externalId,
    givenName: row.givenName,
    familyName: row.familyName,
    formattedName: row.formattedName,
    emailType: row.emailType,
  };
}

/** The audit snapshot of a user as SCIM changes it. */
export function auditSnapshot(row: ScimUserRow, deprovisioned = false): Record<string, unknown> {
  return {
    id: row.id,
    username: row.username,
    user_name: userNameOf(row),
    external_id: row.externalId,
    email: row.email,
    name: row.name,
    given_name: row.givenName,
    family_name: row.familyName,
    formatted_name: row.formattedName,
    email_type: row.emailType,
    status: row.status,
    scim_deprovisioned: deprovisioned,
  };
}
